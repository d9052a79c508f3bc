using PerpPS.Core.Interop;
using PerpPS.Core.Posix;
using PerpPS.Core.Protocol;
using PerpPS.Daemon.Interop;

namespace PerpPS.Daemon;

/// <summary>Activation and deactivation (spec §4.3, §4.4).</summary>
internal sealed partial class Supervisor
{

    /// <summary>Spec §4.4 steps 4–5: log first (the pipe has a reader), then main.</summary>
    public void StartActivated(Service svc, bool down, bool once, bool logDown = false)
    {
        Events.Emit(EventKind.Activated, svc);
        LoadPolicy(svc); // dependants look at its dependencies even while it is down
        if (logDown) svc.Log.Set(SubserviceFlags.WantDown);
        else if (svc.HasLog) RequestStart(svc.Log);
        if (down)
        {
            svc.Flags |= ServiceFlags.Down;
            svc.Main.Set(SubserviceFlags.WantDown);
        }
        else
        {
            if (once)
            {
                svc.Flags |= ServiceFlags.Once;
                svc.Main.Set(SubserviceFlags.IsOnce);
            }
            RequestStart(svc.Main);
        }
    }

    /// <summary>Spec §4.3: begin deactivating a service (also used for every service at shutdown).</summary>
    public void Cull(Service svc)
    {
        svc.Flags |= ServiceFlags.Cull;
        Events.Emit(EventKind.Deactivating, svc);
        Subservice main = svc.Main, log = svc.Log;
        main.Set(SubserviceFlags.WantDown);
        log.Set(SubserviceFlags.WantDown);
        CancelPendingStart(main);
        CancelPendingStart(log);
        CancelWait(svc);
        if (svc.AnythingRunning && HasStoppingDependants(svc))
        {
            // Dependants being deactivated too stop first; this one follows when they are gone.
            svc.Policy.CullDeferred = true;
            _deferredCulls.Add(svc);
            return;
        }
        CullNow(svc);
    }

    /// <summary>Signals a deactivated service's runscripts to stop (its dependants are gone).</summary>
    private void CullNow(Service svc)
    {
        Subservice main = svc.Main, log = svc.Log;
        if (main.PidFileAttempts >= 0)
        {
            // Its start forked away and the pid file is still awaited: once read, the process
            // is signalled (Supervisor.PidFile.cs), and its end removes the service as usual.
            return;
        }
        if (main.IsRunning)
        {
            if (StopByPolicy(main, always: false)) return; // down-signal to the group, SIGKILL after timeout-kill
            if (!main.IsResetting) Send(main, SignalNames.SIGTERM, false);
            Send(main, SignalNames.SIGCONT, false);
            main.Clear(SubserviceFlags.IsPaused);
            ArmStopTimeout(main);
        }
        else if (svc.HasLog && log.IsRunning)
        {
            ClosePipe(svc);
            if (!log.IsResetting) Send(log, SignalNames.SIGTERM, false);
            Send(log, SignalNames.SIGCONT, false);
            log.Clear(SubserviceFlags.IsPaused);
            ArmStopTimeout(log);
        }
        else
        {
            Remove(svc);
        }
    }

    /// <summary>At shutdown, a service already being deactivated still gets its stop timeout.</summary>
    public void ArmStopTimeouts(Service svc)
    {
        if (svc.Policy.CullDeferred) return; // armed when its turn comes
        ArmStopTimeout(svc.Main);
        ArmStopTimeout(svc.Log);
    }

    /// <summary>
    /// Drops a fully stopped service (<c>deactivating service NAME</c>). A contained service
    /// is stopped only when nothing is left in its cgroups: their processes are killed and the
    /// removal completes when their cgroup.events reads <c>populated 0</c>
    /// (<see cref="BeginDrain"/>); meanwhile it stays in the table, deactivating.
    /// </summary>
    public void Remove(Service svc)
    {
        if (svc.Removed || svc.Draining) return;
        if (BeginDrain(svc)) return;
        FinishRemove(svc);
    }

    private void FinishRemove(Service svc)
    {
        _log.Info().Add("deactivating service ").Add(svc.Name).Line();
        Wanted?.Forget(svc.Id);
        if (!_containment.Release(svc))
            _log.Warning().Add("cgroup of service ").Add(svc.Name).Add(" still populated after SIGKILL; left in place").Line();
        ClosePipe(svc);
        if (svc.DirectoryFd >= 0) Libc.Close(svc.DirectoryFd);
        svc.DirectoryFd = -1;
        _table.Remove(svc);
        Events.Emit(EventKind.Deactivated, svc);
        ForgetPolicy(svc);
        if (svc.Has(ServiceFlags.Cycle) && !Terminating) RescanWanted = true;
        ResumeDeferredCulls();
    }
}
