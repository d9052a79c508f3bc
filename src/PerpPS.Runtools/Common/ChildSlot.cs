using System.Runtime.InteropServices;
using PerpPS.Core.Interop;
using PerpPS.Core.Posix;
using PerpPS.Runtools.Interop;

namespace PerpPS.Runtools.Common;

/// <summary>
/// One supervised child (perpboot's rc.log/rc.perp, rundeux's program/logger, runtrap's
/// program): started by a spawn function, watched through a pidfd (poll it for
/// readability), reaped with waitid(P_PIDFD) — never waitpid(-1), so nothing else's
/// children are touched. Remembers when it started, for the 1-second restart governor.
/// </summary>
internal sealed unsafe class ChildSlot
{
    private readonly string _label;
    private readonly Func<int> _spawn;
    private DateTime _lastStart = DateTime.MinValue;

    /// <param name="label">How warnings name it ("./rc.perp").</param>
    /// <param name="spawn">Starts the child: its pid, or -errno.</param>
    public ChildSlot(string label, Func<int> spawn)
    {
        _label = label;
        _spawn = spawn;
    }

    public int Pid { get; private set; }
    public int PidFd { get; private set; } = -1;
    public bool Running => Pid > 0;

    /// <summary>
    /// Starts the child, first sleeping 1 s (with a warning) when the previous start was
    /// less than a second ago; a spawn failure is warned about and retried every 2 s until
    /// <paramref name="giveUp"/> says to stop (it is asked before each try and after each failure).
    /// </summary>
    public void Start(Tool tool, Func<bool> giveUp)
    {
        if (DateTime.UtcNow - _lastStart < TimeSpan.FromSeconds(1))
        {
            tool.Warn($"pausing for restart of {_label} ...");
            Thread.Sleep(1000);
        }
        while (!giveUp())
        {
            _lastStart = DateTime.UtcNow;
            int pid = _spawn();
            if (pid > 0)
            {
                Pid = pid;
                PidFd = Libc.PidfdOpen(pid, 0);
                return;
            }
            tool.Warn($"failure starting {_label}: {Errno.Describe(-pid)}");
            if (giveUp()) return;
            Thread.Sleep(2000);
        }
    }

    /// <summary>
    /// A give-up rule for <see cref="Start"/> that allows one try: the -x modes start the
    /// logger once and then exec the program whether or not it started, as after perp's fork.
    /// </summary>
    public static Func<bool> OnlyOnce()
    {
        int tries = 0;
        return () => tries++ > 0;
    }

    /// <summary>Reaps the child if it has exited: true then (and the slot is empty again).</summary>
    public bool TryReap()
    {
        if (!Running) return false;
        byte* info = stackalloc byte[128];
        new Span<byte>(info, 128).Clear();
        int rc = PidFd >= 0
            ? Libc.WaitId(Libc.P_PIDFD, PidFd, info, Libc.WEXITED | Libc.WNOHANG)
            : Libc.WaitId(1 /* P_PID */, Pid, info, Libc.WEXITED | Libc.WNOHANG);
        if (rc != 0)
        {
            if (Marshal.GetLastPInvokeError() != Errno.ECHILD) return false;
        }
        else if (*(int*)(info + 16) == 0)
        {
            return false; // si_pid 0: still running
        }
        if (PidFd >= 0) Libc.Close(PidFd);
        PidFd = -1;
        Pid = 0;
        return true;
    }

    /// <summary>Blocks until the child has exited and is reaped.</summary>
    public void WaitExit()
    {
        while (Running)
        {
            if (TryReap()) return;
            if (PidFd >= 0)
            {
                var fd = new Libc.PollFd { Fd = PidFd, Events = Libc.POLLIN };
                Libc.Poll(&fd, 1, 1000);
            }
            else
            {
                Thread.Sleep(50);
            }
        }
    }

    public void Signal(int signal)
    {
        if (Running) Libc.Kill(Pid, signal);
    }
}
