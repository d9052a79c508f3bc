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
internal sealed class Supervisor
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

    public Supervisor(DaemonLog log, Spawner spawner, ServiceTable table, DeadlineQueue deadlines, EventLoop loop, uint stopTimeoutSeconds)
    {
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

    // ---- starting --------------------------------------------------------------------

    /// <summary>A start is wanted now: run it, or wait for the governor (spec §3.6).</summary>
    public void RequestStart(Subservice sub)
    {
        if (sub.StartPending || sub.IsRunning) return;
        sub.Clear(SubserviceFlags.IsReset | SubserviceFlags.Failing);
        // `when` is the request time, as perp's fork time: PERP_SVSECS and uptimes include
        // the governor's wait exactly as in perp.
        sub.When = Tai64N.Now();
        long now = Native.MonotonicNanoseconds();
        if (now < sub.WhenOk)
        {
            _log.Warning().Add("setting respawn governor on 'start' target of service ").Add(sub.Owner.Name)
                .Add(sub.IsLog ? " for ./rc.log" : " for ./rc.main").Line();
            sub.StartPending = true;
            sub.DeadlineGeneration++;
            _deadlines.Schedule(sub, DeadlineKind.GovernedStart, sub.WhenOk);
            sub.WhenOk += Second;
            return;
        }
        sub.WhenOk = now + Second;
        SpawnStart(sub);
    }

    private void SpawnStart(Subservice sub)
    {
        Service svc = sub.Owner;
        if (svc.HasLog && (svc.LogPipeRead < 0 || svc.LogPipeWrite < 0) && !OpenLogPipe(svc))
        {
            ScheduleRetry(sub);
            return;
        }
        var result = _spawner.Spawn(sub, null, 0, out int errno);
        if (result == SpawnResult.Started)
        {
            Watch(sub);
            return;
        }
        if (result == SpawnResult.ForkFailed)
        {
            ForkFailed(sub, errno);
            return;
        }
        ExecFailed(sub, errno);
        sub.PreviousPid = 0;
        Terminated(sub, Termination.ExecFailure);
    }

    private void SpawnReset(Subservice sub, Termination ended)
    {
        sub.Set(SubserviceFlags.IsReset);
        sub.Clear(SubserviceFlags.Failing);
        sub.LastTermination = ended;
        var now = Tai64N.Now();
        long svSeconds = (long)Tai64N.RoundedSecondsBetween(now, sub.When);
        sub.When = now;
        var result = _spawner.Spawn(sub, ended, svSeconds, out int errno);
        if (result == SpawnResult.Started)
        {
            Watch(sub);
            if (sub.Owner.IsCulling) ArmStopTimeout(sub);
            return;
        }
        if (result == SpawnResult.ForkFailed)
        {
            ForkFailed(sub, errno);
            return;
        }
        ExecFailed(sub, errno);
        Terminated(sub, Termination.ExecFailure);
    }

    private void Watch(Subservice sub)
    {
        if (sub.PidFd < 0)
        {
            // No pidfd (EMFILE, or the descriptor reserve reached): the child is reaped when
            // SIGCHLD arrives instead, by waitid(P_PID) on each such child, never P_ALL.
            if (sub.PidFdErrno != 0)
                _log.Warning().Add("failure pidfd_open() for service ").Add(sub.Owner.Name).Add(": ").Errno(sub.PidFdErrno)
                    .Add("; watching it through SIGCHLD").Line();
            else if (!_warnedReserve)
            {
                _warnedReserve = true;
                _log.Warning().Add("descriptors running low: further children are watched through SIGCHLD").Line();
            }
            _unwatched.Add(sub);
            WatchChildren?.Invoke();
            return;
        }
        _table.MapPidFd(sub.PidFd, sub);
        _loop.Add(sub.PidFd, EventSource.Child, Native.EPOLLIN);
    }

    private readonly List<Subservice> _unwatched = new();
    private readonly List<Subservice> _reapScratch = new();
    private bool _warnedReserve;

    /// <summary>Called when a child has no pidfd: the daemon starts listening to SIGCHLD.</summary>
    public Action? WatchChildren { get; set; }

    /// <summary>SIGCHLD arrived: reap whichever of the children without a pidfd have ended.</summary>
    public void ReapUnwatched()
    {
        if (_unwatched.Count == 0) return;
        _reapScratch.Clear();
        _reapScratch.AddRange(_unwatched);
        foreach (var sub in _reapScratch)
        {
            if (!sub.IsRunning || sub.PidFd >= 0 || sub.Owner.Removed)
            {
                _unwatched.Remove(sub);
                continue;
            }
            if (!TryReap(Libc.P_PID, sub.Pid, out var t)) continue;
            _unwatched.Remove(sub);
            Ended(sub, t);
        }
    }

    private void ExecFailed(Subservice sub, int errno) =>
        _log.Error().Add("fatal: (in child for service ").Add(sub.Owner.Name).Add("):  failure execve(): ").Errno(errno).Line();

    private void ForkFailed(Subservice sub, int errno)
    {
        _log.Warning().Add("failure fork() for service ").Add(sub.Owner.Name).Add(": ").Errno(errno).Line();
        if (Terminating)
        {
            _log.Warning().Add("exceptional failure in progress at termination").Line();
            _log.Warning().Add("aborting normal shutdown sequence").Line();
            Environment.Exit(111);
        }
        _log.Warning().Add("pausing on persistent fork() failure...").Line();
        ScheduleRetry(sub);
    }

    private void ScheduleRetry(Subservice sub)
    {
        sub.Set(SubserviceFlags.Failing);
        sub.DeadlineGeneration++;
        _deadlines.Schedule(sub, DeadlineKind.SpawnRetry, Native.MonotonicNanoseconds() + FailurePause);
    }

    /// <summary>Makes the service's log pipe (both ends close-on-exec in perpd).</summary>
    public unsafe bool OpenLogPipe(Service svc)
    {
        ClosePipe(svc);
        int* fds = stackalloc int[2];
        if (Libc.Pipe2(fds, Libc.O_CLOEXEC) != 0)
        {
            _log.Warning().Add("failure pipe() for logging service ").Add(svc.Name).Add(": ").Errno(Native.Errno).Line();
            return false;
        }
        svc.LogPipeRead = fds[0];
        svc.LogPipeWrite = fds[1];
        return true;
    }

    private static void ClosePipe(Service svc)
    {
        if (svc.LogPipeRead >= 0) Libc.Close(svc.LogPipeRead);
        if (svc.LogPipeWrite >= 0) Libc.Close(svc.LogPipeWrite);
        svc.LogPipeRead = svc.LogPipeWrite = -1;
    }

    // ---- termination of a child ------------------------------------------------------------

    /// <summary>A pidfd turned readable: reap that child and run the state machine.</summary>
    public void OnChildReadable(int pidfd)
    {
        Subservice? sub = _table.ByPidFd(pidfd);
        if (sub == null || sub.PidFd != pidfd) return;
        if (!TryReap(Libc.P_PIDFD, pidfd, out var t)) return; // not exited yet (a stale event)
        _table.MapPidFd(pidfd, null);
        Libc.Close(pidfd); // also leaves the epoll set
        sub.PidFd = -1;
        Ended(sub, t);
    }

    /// <summary>waitid(WEXITED|WNOHANG) on one child; false while it still runs.</summary>
    private static unsafe bool TryReap(int idType, int id, out Termination t)
    {
        byte* info = stackalloc byte[128];
        new Span<byte>(info, 128).Clear();
        t = default;
        if (Libc.WaitId(idType, id, info, Libc.WEXITED | Libc.WNOHANG) != 0) return false;
        if (*(int*)(info + 16) == 0) return false; // si_pid 0: nothing has exited
        t = new Termination(*(int*)(info + 8) != Native.CLD_EXITED, *(int*)(info + 24));
        return true;
    }

    private void Ended(Subservice sub, Termination t)
    {
        sub.PreviousPid = sub.Pid;
        sub.Pid = 0;
        sub.KillArmed = false;
        sub.DeadlineGeneration++;
        Terminated(sub, t);
    }

    /// <summary>Spec §3.4, from step 2 on (the caller has cleared the pid).</summary>
    private void Terminated(Subservice sub, Termination t)
    {
        Service svc = sub.Owner;
        if (svc.Removed) return;
        if (sub.Has(SubserviceFlags.IsOnce)) sub.Set(SubserviceFlags.WantDown);
        if (!sub.Has(SubserviceFlags.IsReset))
        {
            // A start ended: its reset runs at once, whatever is wanted next.
            SpawnReset(sub, t);
            return;
        }
        if (!sub.Has(SubserviceFlags.WantDown))
        {
            RequestStart(sub);
            return;
        }
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

    // ---- deadlines ---------------------------------------------------------------------------

    public void OnDeadline(in Deadline d)
    {
        Subservice sub = d.Sub;
        switch (d.Kind)
        {
            case DeadlineKind.GovernedStart:
                if (!sub.StartPending) return;
                sub.StartPending = false;
                SpawnStart(sub);
                return;
            case DeadlineKind.SpawnRetry:
                if (sub.IsRunning || !sub.Has(SubserviceFlags.Failing)) return;
                if (sub.Has(SubserviceFlags.IsReset)) SpawnReset(sub, sub.LastTermination);
                else if (!sub.Has(SubserviceFlags.WantDown)) SpawnStart(sub);
                else sub.Clear(SubserviceFlags.Failing);
                return;
            case DeadlineKind.StopKill:
                if (!sub.IsRunning || !sub.Owner.IsCulling) return;
                _log.Warning().Add("stop timeout: sending signal SIGKILL to service ").Add(sub.Owner.Name)
                    .Add(sub.IsLog ? " (log)" : " (main)").Line();
                Libc.Kill(-sub.Pid, SignalNames.SIGKILL);
                Libc.Kill(sub.Pid, SignalNames.SIGKILL);
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

    // ---- activation, deactivation ----------------------------------------------------------

    /// <summary>Spec §4.4 steps 4–5: log first (the pipe has a reader), then main.</summary>
    public void StartActivated(Service svc, bool down, bool once)
    {
        if (svc.HasLog) RequestStart(svc.Log);
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
        Subservice main = svc.Main, log = svc.Log;
        main.Set(SubserviceFlags.WantDown);
        log.Set(SubserviceFlags.WantDown);
        CancelPendingStart(main);
        CancelPendingStart(log);
        if (main.IsRunning)
        {
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
        ArmStopTimeout(svc.Main);
        ArmStopTimeout(svc.Log);
    }

    /// <summary>Drops a fully stopped service (<c>deactivating service NAME</c>).</summary>
    public void Remove(Service svc)
    {
        _log.Info().Add("deactivating service ").Add(svc.Name).Line();
        ClosePipe(svc);
        if (svc.DirectoryFd >= 0) Libc.Close(svc.DirectoryFd);
        svc.DirectoryFd = -1;
        _table.Remove(svc);
        if (svc.Has(ServiceFlags.Cycle) && !Terminating) RescanWanted = true;
    }

    // ---- control commands ------------------------------------------------------------------

    /// <summary>A C packet for a known service (spec §6.2); returns the errno to reply.</summary>
    public int Command(Service svc, byte command, CommandFlags flags)
    {
        if (svc.IsCulling) return Errno.EBUSY;
        if (!ControlCommand.IsKnown(command)) return Errno.EPROTO;
        bool group = (flags & CommandFlags.KillProcessGroup) != 0;
        if (command is ControlCommand.DownAll or ControlCommand.UpAll)
        {
            if ((flags & CommandFlags.Log) != 0) return 0;
            if (command == ControlCommand.DownAll)
            {
                Apply(svc.Main, ControlCommand.Down, group);
                Apply(svc.Log, ControlCommand.Down, group);
            }
            else
            {
                Apply(svc.Log, ControlCommand.Up, group);
                Apply(svc.Main, ControlCommand.Up, group);
            }
            return 0;
        }
        Apply((flags & CommandFlags.Log) != 0 ? svc.Log : svc.Main, command, group);
        return 0;
    }

    private void Apply(Subservice sub, byte command, bool group)
    {
        if (sub.IsLog && !sub.Owner.HasLog)
        {
            // perp: signals ignored, u/o do nothing, d sets a flag nobody reads; all succeed.
            if (command == ControlCommand.Down) sub.Set(SubserviceFlags.WantDown);
            return;
        }
        switch (command)
        {
            case ControlCommand.Up:
                sub.Clear(SubserviceFlags.IsOnce | SubserviceFlags.WantDown);
                if (!sub.IsRunning) RequestStart(sub);
                return;
            case ControlCommand.Once:
                sub.Set(SubserviceFlags.IsOnce);
                sub.Clear(SubserviceFlags.WantDown);
                if (!sub.IsRunning) RequestStart(sub);
                return;
            case ControlCommand.Down:
                sub.Set(SubserviceFlags.WantDown);
                CancelPendingStart(sub);
                if (sub.IsRunning)
                {
                    Send(sub, SignalNames.SIGTERM, group);
                    Send(sub, SignalNames.SIGCONT, group);
                }
                return;
            case ControlCommand.Pause:
                if (!sub.IsRunning || sub.IsResetting) return;
                sub.Set(SubserviceFlags.IsPaused);
                Send(sub, SignalNames.SIGSTOP, group);
                return;
            case ControlCommand.Continue:
                sub.Clear(SubserviceFlags.IsPaused);
                Send(sub, SignalNames.SIGCONT, group);
                return;
            default:
                Send(sub, ControlCommand.SignalOf(command), group);
                return;
        }
    }

    /// <summary>
    /// Delivers a signal the way perp filters it: nothing when down; to a resetting
    /// runscript only SIGCONT and SIGKILL, each with a warning (others dropped, warned).
    /// </summary>
    private void Send(Subservice sub, int signal, bool group)
    {
        if (!sub.IsRunning) return;
        if (sub.IsResetting)
        {
            bool passes = signal is SignalNames.SIGCONT or SignalNames.SIGKILL;
            _log.Warning().Add(passes ? "sending signal " : "dropping signal ").Signal(signal)
                .Add(" to resetting service ").Add(sub.Owner.Name).Add(sub.IsLog ? " (log)" : " (main)").Line();
            if (!passes) return;
        }
        if (Libc.Kill(group ? -sub.Pid : sub.Pid, signal) != 0)
            _log.Warning().Add("failure kill() on ").Signal(signal).Add(" to service ").Add(sub.Owner.Name)
                .Add(sub.IsLog ? " (log): " : " (main): ").Errno(Native.Errno).Line();
    }
}
