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


    /// <summary>A pidfd turned readable: reap that child and run the state machine.</summary>
    public void OnChildReadable(int pidfd)
    {
        Subservice? sub = _table.ByPidFd(pidfd);
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
        if (AwaitPidFile(sub, t)) return;
        Terminated(sub, t);
    }
}
