using PerpPS.Core.Interop;
using PerpPS.Core.Posix;
using PerpPS.Core.Protocol;
using PerpPS.Daemon.Interop;

namespace PerpPS.Daemon;

/// <summary>
/// The reset/restart state machine of spec §3.4, the respawn governor of §3.6, and
/// deactivation of §4.3. Runs on the loop thread only.
/// <para>Decisions (spec §15, edge cases 10 and 11):</para>
/// <list type="bullet">
/// <item>The governor applies to every start attempt, including one whose runscript could not
/// be executed: a broken service cycles at 1 Hz, never in a tight loop.</item>
/// <item>A start of a service whose log pipe perpd had closed (after <c>D</c> with a logger
/// that outlived main's reset) first makes a new pipe, so <c>U</c> works instead of
/// spinning on dup2(EBADF); the old logger drains the old pipe and exits.</item>
/// <item>A start that could not be executed is treated as having exited 111: its reset runs
/// with <c>PERP_SVPID=0</c> (no process ever existed).</item>
/// <item><c>d</c> (or deactivation) while a start waits for the governor cancels the wait;
/// no reset runs, since nothing ran.</item>
/// <item>Stop timeout (option -k): during deactivation and shutdown, a runscript still running
/// that long after perpd asked it to stop gets SIGKILL on its process group, logged as
/// <c>warning: perpd[PID]: stop timeout: sending signal SIGKILL to service NAME (main)</c>.</item>
/// </list>
/// </summary>
internal sealed partial class Supervisor
{
    private const long Second = 1_000_000_000L;
    /// <summary>perp's pause after a fork() failure: 555444321 ns.</summary>
    public const long FailurePause = 555_444_321L;

    private readonly DaemonLog _log;
    private readonly Spawner _spawner;
    private readonly ServiceTable _table;
    private readonly DeadlineQueue _deadlines;
    private readonly EventLoop _loop;
    private readonly long _stopTimeout;
    private readonly Containment _containment;

    public Supervisor(DaemonLog log, Spawner spawner, ServiceTable table, DeadlineQueue deadlines, EventLoop loop, uint stopTimeoutSeconds,
        Containment containment)
    {
        _containment = containment;
        _log = log;
        _spawner = spawner;
        _table = table;
        _deadlines = deadlines;
        _loop = loop;
        _stopTimeout = stopTimeoutSeconds * Second;
    }

    /// <summary>Set when a removed service had been re-activated meanwhile (CYCLE): scan again.</summary>
    public bool RescanWanted { get; set; }

    /// <summary>True once shutdown began: no more rescans are asked for.</summary>
    public bool Terminating { get; set; }


    /// <summary>A start is wanted now: run it, or wait for the governor (spec §3.6).</summary>
    public void RequestStart(Subservice sub)
    {
        if (sub.StartPending || sub.IsRunning || sub.PidFileAttempts >= 0) return;
        sub.Clear(SubserviceFlags.IsReset | SubserviceFlags.Failing);
        // `when` is the request time, as perp's fork time: PERP_SVSECS and uptimes include
        // the governor's wait exactly as in perp.
        sub.When = Tai64N.Now();
        if (!sub.IsLog)
        {
            Service svc = sub.Owner;
            LoadPolicy(svc);
            if (svc.Policy.Failed) return;
            if (!DependenciesReady(svc))
            {
                if (!svc.Policy.WaitingDependencies)
                {
                    svc.Policy.WaitingDependencies = true;
                    _waiting.Add(svc);
                    Events.Emit(EventKind.WaitingForDependency, sub);
                }
                return;
            }
        }
        long now = Native.MonotonicNanoseconds();
        long interval = GovernorInterval(sub);
        if (now < sub.WhenOk)
        {
            _log.Warning().Add("setting respawn governor on 'start' target of service ").Add(sub.Owner.Name)
                .Add(" for ./rc.").Add(sub.Label).Line();
            // WhenOk moves only when a start really runs (OnDeadline): a held-back start that
            // is cancelled (`d`) and asked again (`u`) waits for the same instant, so however
            // many `u` arrive a start is held back at most one second (issue #11: 40 d/u pairs
            // used to push it 40 s out, one second per held-back start).
            sub.StartPending = true;
            OnStartHeld(sub, sub.WhenOk - now);
            if (interval > Second || GovernorInterval(sub) > Second)
                Events.Emit(EventKind.Backoff, sub, detail: (uint)Math.Min(uint.MaxValue, (sub.WhenOk - now) / 1_000_000));
            sub.DeadlineGeneration++;
            _deadlines.Schedule(sub, DeadlineKind.GovernedStart, sub.WhenOk);
            return;
        }
        sub.WhenOk = now + interval;
        if (_deferStarts) _deferredStarts.Add(sub); // a command's reply goes out first
        else SpawnStart(sub);
    }

    /// <summary>Spec §3.4, from step 2 on (the caller has cleared the pid).</summary>
    private void Terminated(Subservice sub, Termination t)
    {
        Service svc = sub.Owner;
        if (svc.Removed) return;
        if (sub.Has(SubserviceFlags.IsOnce) && !sub.Has(SubserviceFlags.WantDown))
        {
            sub.Set(SubserviceFlags.WantDown);
            Wanted?.Save(svc); // once, not per restart: a once service that ran stays down after a crash
        }
        if (!sub.Has(SubserviceFlags.IsReset))
        {
            // A start ended: its reset runs at once, whatever is wanted next.
            if (!sub.IsLog) MainEnded(sub);
            SpawnReset(sub, t);
            return;
        }
        if (!sub.Has(SubserviceFlags.WantDown))
        {
            OnRestart(sub);
            RequestStart(sub);
            return;
        }
        OnDown(sub);
        KillLeftovers(sub); // down for good: nothing of it may stay behind
        Subservice log = svc.Log;
        if (!sub.IsLog && svc.HasLog && log.Has(SubserviceFlags.WantDown) && log.Pid > 0)
        {
            // Main's reset is done and the log should go: the reset's output is in the pipe,
            // so now the logger may see EOF (deactivation, or D).
            if (!log.IsResetting)
            {
                ClosePipe(svc);
                Send(log, SignalNames.SIGTERM, false);
            }
            Send(log, SignalNames.SIGCONT, false);
            log.Clear(SubserviceFlags.IsPaused);
            if (svc.IsCulling) ArmStopTimeout(log);
            return;
        }
        if (svc.IsCulling && !svc.AnythingRunning) Remove(svc);
    }
}
