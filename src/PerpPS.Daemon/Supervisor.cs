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
/// <item>The governor's hold-back (at most one second) is slept in the start's child, as
/// perp's: <c>d</c> (or deactivation) stops the sleeper like any start, and its reset runs
/// (<c>reset NAME signal 15 SIGTERM</c>, PERP_SVPID the sleeper's pid), as perp's. A
/// restart-backoff longer than a second waits in the daemon (pid 0, "want up"); <c>d</c>
/// cancels that wait and no reset runs, since nothing ran.</item>
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
        sub.HoldUntil = 0;
        if (now < sub.WhenOk)
        {
            _log.Warning().Add("setting respawn governor on 'start' target of service ").Add(sub.Owner.Name)
                .Add(" for ./rc.").Add(sub.Label).Line();
            long delay = sub.WhenOk - now;
            OnStartHeld(sub, delay);
            if (interval > Second || GovernorInterval(sub) > Second)
                Events.Emit(EventKind.Backoff, sub, detail: (uint)Math.Min(uint.MaxValue, delay / 1_000_000));
            if (delay > Second && interval > Second)
            {
                // A restart-backoff (seconds to minutes) waits in the daemon: no process sits
                // in the service's slot that long. WhenOk moves only when the start really runs
                // (OnDeadline), so a cancelled and re-asked start waits for the same instant.
                sub.StartPending = true;
                sub.DeadlineGeneration++;
                _deadlines.Schedule(sub, DeadlineKind.GovernedStart, sub.WhenOk);
                return;
            }
            // perp's governor: the start is spawned now and its child sleeps until WhenOk
            // before its exec (spec §3.2 step 6), so status shows its pid at once and a
            // logger's pipe is held by a process that reads nothing: a kill aimed at "the
            // logger" during the hold-back takes no line with it (issue #11). A sleeper
            // stopped before its exec gives WhenOk back (Ended): however many d/u pairs
            // arrive, a start is held back at most one second.
            sub.HoldUntil = sub.WhenOk;
            sub.WhenOk += interval;
        }
        else sub.WhenOk = now + interval;
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
