using PerpPS.Core.Interop;
using PerpPS.Core.Protocol;
using PerpPS.Daemon.Interop;

namespace PerpPS.Daemon;

/// <summary>
/// Taking over what a crashed perpd left (issue #11): its running runscripts are adopted
/// instead of started twice, watched by pidfd (readable at exit for a non-child too); their
/// exit status is unknown (waitid cannot reap a non-child: the zombie is init's or the
/// subreaper's), so their reset gets <c>reset NAME unknown</c>. The log pipe is taken back with
/// pidfd_getfd (main's fd 1, the logger's fd 0; kernel 5.6, same uid or root), so a logger's
/// death still loses nothing and a new logger reads the same pipe.
/// </summary>
internal sealed partial class Supervisor
{
    /// <summary>Runscripts left by a previous perpd, or null.</summary>
    public Adoption? Orphans { get; set; }

    /// <summary>Where wanted states are kept across perpd's life, or null.</summary>
    public WantedState? Wanted { get; set; }

    /// <summary>Adopts the left-over main and log of a service just activated; true if any.</summary>
    public bool Adopt(Service svc)
    {
        if (Orphans is not { Count: > 0 } orphans) return false;
        var (main, log) = orphans.Take(svc.Id);
        bool mainTaken = main is { } m && Take(svc.Main, m);
        bool logTaken = svc.HasLog && log is { } l && Take(svc.Log, l);
        if (!mainTaken && !logTaken) return false;
        if (svc.HasLog) RecoverPipe(svc, mainTaken, logTaken);
        var line = _log.Info().Add("adopted service ").Add(svc.Name).Add(":");
        if (mainTaken) line.Add(" main ").Add(svc.Main.Pid);
        if (logTaken) line.Add(" log ").Add(svc.Log.Pid);
        line.Line();
        return true;
    }

    private bool Take(Subservice sub, Adoption.Orphan orphan)
    {
        int pidfd = Libc.PidfdOpen(orphan.Pid, 0);
        if (pidfd < 0) return false; // gone meanwhile
        sub.Pid = orphan.Pid;
        sub.PidFd = pidfd;
        sub.PidFdErrno = 0;
        sub.When = Tai64N.Now();
        sub.WhenOk = Native.MonotonicNanoseconds() + Second;
        if (orphan.IsReset) sub.Set(SubserviceFlags.IsReset);
        Watch(sub);
        return true;
    }

    private unsafe void RecoverPipe(Service svc, bool mainTaken, bool logTaken)
    {
        int write = mainTaken ? Native.PidfdGetfd(svc.Main.PidFd, 1) : -1;
        int read = logTaken ? Native.PidfdGetfd(svc.Log.PidFd, 0) : -1;
        // One end is enough: the other is reopened through /proc/self/fd (a pipe opens like a FIFO).
        if (write >= 0 && read < 0) read = Reopen(write, Libc.O_RDONLY);
        if (read >= 0 && write < 0) write = Reopen(read, Libc.O_WRONLY);
        if (read < 0 || write < 0)
        {
            if (read >= 0) Libc.Close(read);
            if (write >= 0) Libc.Close(write);
            _log.Warning().Add("failure pidfd_getfd() on the log pipe of adopted service ").Add(svc.Name)
                .Add(": ").Errno(Native.Errno).Add("; a new pipe is made").Line();
            return;
        }
        ClosePipe(svc);
        svc.LogPipeRead = read;
        svc.LogPipeWrite = write;
    }

    private static unsafe int Reopen(int fd, int mode)
    {
        byte[] path = System.Text.Encoding.ASCII.GetBytes("/proc/self/fd/" + fd + "\0");
        fixed (byte* p = path) return Libc.Open(p, mode | Libc.O_CLOEXEC | Libc.O_NONBLOCK, 0) is int r and >= 0 ? ClearNonblock(r) : -1;
    }

    /// <summary>Opened non-blocking so a FIFO-style open cannot hang; the ends perpd hands on block.</summary>
    private static int ClearNonblock(int fd)
    {
        Native.Fcntl(fd, Native.F_SETFL, 0);
        return fd;
    }
}
