using PerpPS.Core.Interop;
using PerpPS.Core.Posix;
using PerpPS.Core.Protocol;
using PerpPS.Daemon.Interop;

namespace PerpPS.Daemon;

/// <summary>Timed work: governed starts, fork-failure retries and stop timeouts (option -k).</summary>
internal sealed partial class Supervisor
{

    public void OnDeadline(in Deadline d)
    {
        Subservice sub = d.Sub;
        switch (d.Kind)
        {
            case DeadlineKind.GovernedStart:
                if (!sub.StartPending) return;
                sub.StartPending = false;
                sub.WhenOk = Native.MonotonicNanoseconds() + GovernorInterval(sub);
                SpawnStart(sub);
                return;
            case DeadlineKind.SpawnRetry:
                if (sub.IsRunning || !sub.Has(SubserviceFlags.Failing)) return;
                if (sub.Has(SubserviceFlags.IsReset)) SpawnReset(sub, sub.LastTermination);
                else if (!sub.Has(SubserviceFlags.WantDown)) SpawnStart(sub);
                else sub.Clear(SubserviceFlags.Failing);
                return;
            case DeadlineKind.PidFileRead:
                ReadPidFile(sub);
                return;
            case DeadlineKind.StopKill:
                if (!sub.IsRunning || !sub.Owner.IsCulling) return;
                _log.Warning().Add("stop timeout: sending signal SIGKILL to service ").Add(sub.Owner.Name)
                    .Add(" (").Add(sub.Label).Add(")").Line();
                // Contained: the slot's whole cgroup (what runs now, start or reset, and whatever
                // it left behind in other sessions). The reset that follows is spawned after the
                // kill, so it is not hit. The process group too, for a runscript that could not be
                // placed in its cgroup.
                _containment.Kill(sub);
                Libc.Kill(-sub.Pid, SignalNames.SIGKILL);
                Libc.Kill(sub.Pid, SignalNames.SIGKILL);
                return;
            case DeadlineKind.CgroupDrain:
                OnDrainDeadline(sub.Owner);
                return;
            case DeadlineKind.GroupKill:
                GroupKill(sub);
                return;
            case DeadlineKind.ReadyByUptime:
                BecameReady(sub.Owner, "up for 0.5 s");
                return;
            case DeadlineKind.CheckDue:
                RunCheck(sub.Owner);
                return;
            case DeadlineKind.CheckTimeout:
                CheckTimeout(sub.Owner);
                return;
        }
    }

    private void ArmStopTimeout(Subservice sub)
    {
        if (_stopTimeout <= 0 || !sub.IsRunning || sub.KillArmed) return;
        sub.KillArmed = true;
        _deadlines.Schedule(sub, DeadlineKind.StopKill, Native.MonotonicNanoseconds() + _stopTimeout);
    }

    private static void CancelPendingStart(Subservice sub)
    {
        if (!sub.StartPending) return;
        sub.StartPending = false;
        sub.DeadlineGeneration++;
    }
}
