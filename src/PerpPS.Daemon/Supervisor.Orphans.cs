using PerpPS.Core.Interop;
using PerpPS.Core.Posix;
using PerpPS.Daemon.Interop;

namespace PerpPS.Daemon;

/// <summary>
/// perpd as PID 1 (a container's entrypoint) or as a child subreaper (<c>-r</c>): every
/// process orphaned below it is re-parented to it and must be reaped, or zombies pile up
/// (issue #11). On each SIGCHLD, waitid(P_ALL, WNOWAIT) peeks at the next ended child without
/// taking its status; a supervised one is reaped through its own slot (its real status goes to
/// its reset), any other is reaped by pid and forgotten. waitid(P_ALL) without WNOWAIT would
/// steal the statuses of supervised children.
/// </summary>
internal sealed partial class Supervisor
{
    /// <summary>True when perpd reaps orphans (PID 1, or -r).</summary>
    public bool ReapsOrphans { get; set; }

    /// <summary>Reaps every ended child: supervised ones through their slot, the rest silently.</summary>
    public unsafe void ReapOrphans()
    {
        if (!ReapsOrphans) return;
        byte* info = stackalloc byte[128];
        while (true)
        {
            new Span<byte>(info, 128).Clear();
            if (Libc.WaitId(Native.P_ALL, 0, info, Libc.WEXITED | Libc.WNOHANG | Native.WNOWAIT) != 0) return; // ECHILD: none left
            int pid = *(int*)(info + 16);
            if (pid == 0) return; // children remain, none has ended
            Subservice? sub = FindByPid(pid);
            if (sub != null)
            {
                if (!TryReap(Libc.P_PID, pid, out var t)) return;
                if (sub.PidFd >= 0)
                {
                    _table.MapPidFd(sub.PidFd, null);
                    Libc.Close(sub.PidFd); // also leaves the epoll set
                    sub.PidFd = -1;
                }
                Ended(sub, t);
                continue;
            }
            TryReap(Libc.P_PID, pid, out _);
        }
    }

    private Subservice? FindByPid(int pid)
    {
        foreach (var svc in _table.All)
        {
            if (svc.Main.Pid == pid) return svc.Main;
            if (svc.Log.Pid == pid) return svc.Log;
        }
        return null;
    }
}
