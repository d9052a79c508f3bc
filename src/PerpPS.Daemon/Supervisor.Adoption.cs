using System.Globalization;
using System.Text;
using PerpPS.Core.Interop;
using PerpPS.Core.Protocol;
using PerpPS.Daemon.Interop;

namespace PerpPS.Daemon;

/// <summary>
/// Taking over what a previous perpd of this base left running (issue #11): its runscripts
/// are adopted at activation instead of started twice, watched by pidfd (readable at exit for
/// a non-child too). After a crash they are not perpd's children: waitid gives ECHILD, so
/// their exit status is unknown and their reset gets <c>reset NAME unknown</c>. After an
/// upgrade re-exec they still are (same process): statuses are exact. The log pipe is taken
/// back with pidfd_getfd (the logger's fd 0, main's fd 1; kernel 5.6, same uid or root;
/// else opened through /proc/PID/fd), or kept open across the exec, so a logger's death still
/// loses nothing and its successor reads the same pipe.
/// </summary>
internal sealed partial class Supervisor
{
    /// <summary>Runscripts left by a previous perpd, or null.</summary>
    public Adoption? Orphans { get; set; }

    /// <summary>Where wanted states are kept across perpd's life, or null.</summary>
    public WantedState? Wanted { get; set; }

    /// <summary>
    /// Adopts the left-over main and log of a service just activated (one log line when any
    /// runs); returns what was found of it, or null.
    /// </summary>
    public Adoption.Entry? Adopt(Service svc)
    {
        if (Orphans?.Take(svc.Id) is not { } entry) return null;
        bool mainTaken = entry.Main is { Pid: > 0 } m && Take(svc.Main, m);
        bool logTaken = svc.HasLog && entry.Log is { Pid: > 0 } l && Take(svc.Log, l);
        if (svc.HasLog) RecoverPipe(svc, entry, mainTaken, logTaken);
        else CloseHandedPipe(entry);
        if (!mainTaken && !logTaken) return entry;
        var line = _log.Info().Add("adopted service ").Add(svc.Name).Add(":");
        if (mainTaken) line.Add(" main ").Add(svc.Main.Pid).Add(svc.Main.IsResetting ? " (reset)" : "");
        if (logTaken) line.Add(" log ").Add(svc.Log.Pid).Add(svc.Log.IsResetting ? " (reset)" : "");
        line.Line();
        return entry;
    }

    /// <summary>After the first scan: what was found for services that are not active any more is left alone (logged).</summary>
    public void ForgetOrphans()
    {
        if (Orphans is not { } orphans) return;
        Orphans = null;
        foreach (var (id, entry) in orphans.Left)
        {
            CloseHandedPipe(entry);
            if (entry.Main is not { Pid: > 0 } && entry.Log is not { Pid: > 0 }) continue;
            var line = _log.Warning().Add("service ").Add((long)id.Device).Add("-").Add((long)id.Inode).Add(" of the previous perpd is not active: left running:");
            if (entry.Main is { Pid: > 0 } m) line.Add(" main ").Add(m.Pid);
            if (entry.Log is { Pid: > 0 } l) line.Add(" log ").Add(l.Pid);
            line.Line();
        }
    }

    private bool Take(Subservice sub, Adoption.Orphan orphan)
    {
        int pidfd = Libc.PidfdOpen(orphan.Pid, 0);
        if (pidfd < 0) return false; // gone meanwhile (a handed-over child is still a zombie: it opens)
        sub.Pid = orphan.Pid;
        sub.PidFd = pidfd;
        sub.PidFdErrno = 0;
        sub.When = orphan.When;
        sub.WhenOk = Native.MonotonicNanoseconds() + Second;
        sub.Flags |= orphan.Flags & (SubserviceFlags.IsPaused | SubserviceFlags.IsReset);
        if (orphan.IsReset) sub.Set(SubserviceFlags.IsReset);
        Watch(sub);
        if (sub.IsResetting)
        {
            OnResetStarted(sub);
            return true;
        }
        sub.StartPid = sub.Pid;
        OnRunStarted(sub);
        if (!sub.IsLog) MainStarted(sub, -1);
        return true;
    }

    private void RecoverPipe(Service svc, Adoption.Entry entry, bool mainTaken, bool logTaken)
    {
        if (entry.PipeRead >= 0 && entry.PipeWrite >= 0)
        {
            // Kept open across the exec: the very pipe, never without a reader.
            Native.Fcntl(entry.PipeRead, Native.F_SETFD, Native.FD_CLOEXEC);
            Native.Fcntl(entry.PipeWrite, Native.F_SETFD, Native.FD_CLOEXEC);
            ClosePipe(svc);
            svc.LogPipeRead = entry.PipeRead;
            svc.LogPipeWrite = entry.PipeWrite;
            return;
        }
        CloseHandedPipe(entry);
        string? logPipe = logTaken ? Adoption.PipeOf($"/proc/{svc.Log.Pid}/fd/0") : null;
        string? mainPipe = mainTaken ? Adoption.PipeOf($"/proc/{svc.Main.Pid}/fd/1") : null;
        if (logPipe == null && mainPipe == null) return; // nothing to take back: the new pipe stays
        int read = logPipe != null ? Grab(svc.Log, 0, Libc.O_RDONLY) : -1;
        int write = mainPipe != null && (logPipe == null || logPipe == mainPipe) ? Grab(svc.Main, 1, Libc.O_WRONLY) : -1;
        // One end is enough: the other is opened through /proc/self/fd (a pipe opens like a FIFO).
        if (write >= 0 && read < 0) read = Reopen("/proc/self/fd/" + write, Libc.O_RDONLY);
        if (read >= 0 && write < 0) write = Reopen("/proc/self/fd/" + read, Libc.O_WRONLY);
        if (read < 0 || write < 0)
        {
            if (read >= 0) Libc.Close(read);
            if (write >= 0) Libc.Close(write);
            _log.Warning().Add("failure taking back the log pipe of adopted service ").Add(svc.Name)
                .Add(": ").Errno(Native.Errno).Add("; its next logger reads a new pipe").Line();
            return;
        }
        ClosePipe(svc);
        svc.LogPipeRead = read;
        svc.LogPipeWrite = write;
    }

    /// <summary>A copy of descriptor <paramref name="fd"/> of an adopted runscript: pidfd_getfd (same open file), else /proc/PID/fd.</summary>
    private static int Grab(Subservice sub, int fd, int mode)
    {
        int copy = Native.PidfdGetfd(sub.PidFd, fd);
        return copy >= 0 ? copy : Reopen($"/proc/{sub.Pid}/fd/{fd}", mode);
    }

    /// <summary>One of perpd's own descriptors opened afresh (a file description of its own) through /proc/self/fd.</summary>
    private static int Reopen(int fd, int mode) => Reopen(string.Create(CultureInfo.InvariantCulture, $"/proc/self/fd/{fd}"), mode);

    /// <summary>Opened non-blocking so a FIFO-style open cannot hang; the ends perpd hands on block (a file description of its own).</summary>
    private static unsafe int Reopen(string path, int mode)
    {
        byte[] z = Encoding.ASCII.GetBytes(path + "\0");
        int r;
        fixed (byte* p = z) r = Libc.Open(p, mode | Libc.O_CLOEXEC | Libc.O_NONBLOCK, 0);
        if (r >= 0) Native.Fcntl(r, Native.F_SETFL, 0);
        return r;
    }

    private static void CloseHandedPipe(Adoption.Entry entry)
    {
        if (entry.PipeRead >= 0) Libc.Close(entry.PipeRead);
        if (entry.PipeWrite >= 0) Libc.Close(entry.PipeWrite);
        entry.PipeRead = entry.PipeWrite = -1;
    }
}
