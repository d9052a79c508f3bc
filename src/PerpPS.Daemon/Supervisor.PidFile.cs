using System.Text;
using PerpPS.Core.Interop;
using PerpPS.Core.Posix;
using PerpPS.Core.Protocol;
using PerpPS.Daemon.Interop;

namespace PerpPS.Daemon;

/// <summary>
/// Supervision of self-daemonizing programs (the <c>pidfile</c> file of a service directory
/// names a path, relative to the service directory or absolute). When main's start exits 0,
/// perpd reads the pid from that path and supervises the process by pidfd: its end is seen
/// at once, its reset gets <c>reset NAME unknown</c> (perpd did not parent it, so there is no
/// exit status), then start runs again as usual; down and deactivation signal it. The pid file
/// is looked for every 100 ms for 5 s; one that never appears, stays stale (no such process)
/// or names perpd or a process of a service is an error line, and the start's end is handled
/// as any exit 0 (reset, restart).
/// </summary>
internal sealed partial class Supervisor
{
    private const int PidFileAttemptLimit = 50;
    private const long PidFileRetry = 100_000_000L;
    private static readonly byte[] PidFileName = "pidfile\0"u8.ToArray();

    /// <summary>After a start's end: true when perpd now looks for the pid file instead of resetting.</summary>
    private bool AwaitPidFile(Subservice sub, Termination t)
    {
        if (sub.IsLog || sub.Has(SubserviceFlags.IsReset) || t.Signaled || t.Value != 0 || sub.Owner.Removed) return false;
        using var directory = OpenDirectory(sub.Owner);
        if (FileStatus.TryStat(sub.Owner.DirectoryFd, PidFileName, followLinks: true, out _) != 0) return false;
        sub.LastTermination = t;
        sub.PidFileAttempts = 0;
        ReadPidFile(sub);
        return true;
    }

    private void ReadPidFile(Subservice sub)
    {
        if (sub.PidFileAttempts < 0 || sub.Owner.Removed) return;
        Service svc = sub.Owner;
        using var directory = OpenDirectory(svc);
        string? path = ReadText(svc.DirectoryFd, "pidfile")?.Trim();
        if (string.IsNullOrEmpty(path))
        {
            GiveUp(sub, "pidfile names no path");
            return;
        }
        string? text = ReadText(svc.DirectoryFd, path);
        int pid = 0;
        bool parsed = text != null && int.TryParse(text.Trim(), out pid) && pid > 1;
        if (parsed && Owner(pid) is { } other)
        {
            GiveUp(sub, other.Length == 0
                ? $"pid file {path} names perpd itself ({pid})"
                : $"pid file {path} names pid {pid} of service {other}");
            return;
        }
        int fd = parsed ? Libc.PidfdOpen(pid, 0) : -1;
        if (fd < 0)
        {
            if (++sub.PidFileAttempts < PidFileAttemptLimit)
            {
                sub.DeadlineGeneration++;
                _deadlines.Schedule(sub, DeadlineKind.PidFileRead, Native.MonotonicNanoseconds() + PidFileRetry);
                return;
            }
            GiveUp(sub, text == null ? $"pid file {path} never appeared"
                : !parsed ? $"pid file {path} holds no pid"
                : $"pid file {path} is stale: no process {pid}");
            return;
        }
        sub.PidFileAttempts = -1;
        sub.Pid = pid;
        sub.PidFd = fd;
        sub.Adopted = true;
        sub.Clear(SubserviceFlags.IsReset);
        Watch(sub);
        _log.Info().Add("supervising pid ").Add(pid).Add(" of service ").Add(svc.Name).Add(" from pid file ").Add(path).Line();
        if (sub.Has(SubserviceFlags.WantDown) || svc.IsCulling)
        {
            // Asked down (or deactivated) while it was forking away: stop what it left.
            Send(sub, SignalNames.SIGTERM, false);
            Send(sub, SignalNames.SIGCONT, false);
            if (svc.IsCulling) ArmStopTimeout(sub);
        }
    }

    private void GiveUp(Subservice sub, string why)
    {
        _log.Warning().Add("service ").Add(sub.Owner.Name).Add(": ").Add(why).Line();
        sub.PidFileAttempts = -1;
        Terminated(sub, sub.LastTermination);
    }

    /// <summary>"" for perpd itself, a service's name for one of its processes, null for anyone else.</summary>
    private string? Owner(int pid)
    {
        if (pid == Environment.ProcessId) return "";
        foreach (var s in _table.All)
            if (s.Main.Pid == pid || s.Log.Pid == pid) return Encoding.UTF8.GetString(s.Name);
        return null;
    }

    /// <summary>A small file relative to a directory descriptor (or absolute), null when it cannot be read.</summary>
    private static unsafe string? ReadText(int dirFd, string path)
    {
        byte[] name = Encoding.UTF8.GetBytes(path + "\0");
        int fd;
        fixed (byte* p = name) fd = Native.OpenAt(dirFd, p, Libc.O_RDONLY | Libc.O_CLOEXEC, 0);
        if (fd < 0) return null;
        try
        {
            byte* buf = stackalloc byte[256];
            nint n = Libc.Read(fd, buf, 255);
            return n < 0 ? null : Encoding.UTF8.GetString(buf, (int)n);
        }
        finally
        {
            Libc.Close(fd);
        }
    }
}
