using PerpPS.Core.Interop;
using PerpPS.Core.Posix;
using PerpPS.Core.Protocol;
using PerpPS.Daemon.Interop;

namespace PerpPS.Daemon;

/// <summary>Watching children (pidfd, or SIGCHLD past the descriptor reserve) and reaping them.</summary>
internal sealed partial class Supervisor
{
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
            WatchBySignal(sub);
            return;
        }
        int errno = _loop.TryAdd(sub.PidFd, EventSource.Child, Native.EPOLLIN);
        if (errno != 0)
        {
            // epoll full or out of memory: the child is still supervised, through SIGCHLD.
            if (!_warnedEpoll)
            {
                _warnedEpoll = true;
                _log.Warning().Add("failure epoll_ctl() for service ").Add(sub.Owner.Name).Add(": ").Errno(errno)
                    .Add("; watching children through SIGCHLD").Line();
            }
            Libc.Close(sub.PidFd);
            sub.PidFd = -1;
            WatchBySignal(sub);
            return;
        }
        _warnedEpoll = false;
        _table.MapPidFd(sub.PidFd, sub);
    }

    private void WatchBySignal(Subservice sub)
    {
        _unwatched.Add(sub);
        WatchChildren?.Invoke();
    }

    /// <summary>One warning per run of epoll_ctl failures, not one per child (issue #11).</summary>
    private bool _warnedEpoll;

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


    /// <summary>A pidfd turned readable: reap that child and run the state machine.</summary>
    public void OnChildReadable(int pidfd)
    {
        Subservice? sub = _table.ByPidFd(pidfd);
        if (sub == null && OnCheckReadable(pidfd)) return;
        if (sub == null || sub.PidFd != pidfd) return;
        if (sub.Adopted)
        {
            // Not our child: nothing to reap, and its exit status is not ours to know.
            _table.MapPidFd(pidfd, null);
            Libc.Close(pidfd);
            sub.PidFd = -1;
            sub.Adopted = false;
            Ended(sub, Termination.Unknown);
            return;
        }
        if (!TryReap(Libc.P_PIDFD, pidfd, out var t)) return; // not exited yet (a stale event)
        _table.MapPidFd(pidfd, null);
        Libc.Close(pidfd); // also leaves the epoll set
        sub.PidFd = -1;
        Ended(sub, t);
    }

    /// <summary>
    /// waitid(WEXITED|WNOHANG) on one child; false while it still runs. ECHILD means the
    /// process is gone without a status for us (reaped by someone else, or never our child):
    /// it ended, status unknown. Taking ECHILD for "still running" made a level-triggered
    /// pidfd fire forever (issue #11).
    /// </summary>
    private static unsafe bool TryReap(int idType, int id, out Termination t)
    {
        byte* info = stackalloc byte[128];
        new Span<byte>(info, 128).Clear();
        t = default;
        if (Libc.WaitId(idType, id, info, Libc.WEXITED | Libc.WNOHANG) != 0)
        {
            if (Native.Errno != Errno.ECHILD) return false;
            t = Termination.Unknown;
            return true;
        }
        if (*(int*)(info + 16) == 0) return false; // si_pid 0: nothing has exited
        int code = *(int*)(info + 8);
        t = new Termination(code != Native.CLD_EXITED, *(int*)(info + 24), code == Native.CLD_DUMPED);
        return true;
    }

    private void Ended(Subservice sub, Termination t)
    {
        int pid = sub.Pid;
        var held = Spawner.TakeReport(sub, out int step, out int failedFd, out int errno);
        sub.PreviousPid = sub.Pid;
        sub.Pid = 0;
        sub.KillArmed = false;
        sub.DeadlineGeneration++;
        if (held == HeldStart.Failed)
        {
            // The sleeping child's exec (or a step before it) failed: as an immediate failure.
            StartExecFailed(sub, step, failedFd, errno);
            return;
        }
        // Ended before its exec. Stopped by `d`: nothing ran, so the next start may come when
        // this one's exec would have (the governor holds a start back at most one second
        // however many d/u pairs arrive). Killed from outside: the next exec comes a second
        // after this death (perp's adds a second per sleeper), never sooner, so a killer aimed
        // at the shown pid keeps hitting sleepers that hold no line (issue #11), and the hold
        // stays within the second, slept in the child.
        if (held == HeldStart.NeverExeced)
            sub.WhenOk = sub.StoppedAsleep ? sub.HoldUntil : Math.Min(sub.WhenOk, Native.MonotonicNanoseconds() + GovernorInterval(sub));
        OnEnded(sub, t, pid);
        if (AwaitPidFile(sub, t)) return;
        Terminated(sub, t);
    }
}
