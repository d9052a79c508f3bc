using System.Runtime.InteropServices;
using PerpPS.Core.Interop;
using PerpPS.Core.Posix;
using PerpPS.Runtools.Common;
using PerpPS.Runtools.Interop;

namespace PerpPS.Runtools.Tinylog;

/// <summary>
/// tinylog's directory (the process's cwd): the <c>current</c> file, its rotation into
/// <c>_YYYYMMDDTHHMMSS.uuuuuu.s</c> archives through <c>previous</c>, optional compression
/// and pruning (spec §12.1). Mode 0644 on <c>current</c> means "active"; 0744 "closed
/// cleanly". Every step of a rotation that fails is retried every 0.555 s with a
/// "pausing" warning; a SIGTERM during such a wait ends tinylog with 111.
/// </summary>
internal sealed unsafe class LogDirectory
{
    private const uint ModeActive = 0b110_100_100, ModeClean = 0b111_100_100, ModeNew = 0b110_000_000;
    private static readonly TimeSpan Pause = TimeSpan.FromMilliseconds(555);

    private readonly Tool _tool;
    private readonly int _keep;
    private readonly string? _zip;
    private readonly Func<bool> _terminating;

    public LogDirectory(Tool tool, int keep, string? zipProgram, Func<bool> terminating)
    {
        _tool = tool;
        _keep = keep;
        _zip = zipProgram;
        _terminating = terminating;
    }

    /// <summary>The open <c>current</c> file.</summary>
    public int Fd { get; private set; } = -1;

    /// <summary>Bytes in <c>current</c>.</summary>
    public long Size { get; set; }

    /// <summary>Startup: archive an unclean (.u) or, with -r, a clean (.s) current; then open current.</summary>
    public void Open(bool rotateClean)
    {
        int errno = FileStatus.TryStat("current", out var st);
        if (errno == 0)
        {
            if (!st.IsOwnerExecutable) Archive('u');
            else if (rotateClean) Archive('s');
        }
        else if (errno != Errno.ENOENT)
        {
            throw _tool.Fatal("failure stat() on current", errno);
        }
        OpenCurrent();
    }

    /// <summary>Rotation: sync and close current, archive it, open a new one.</summary>
    public void Rotate()
    {
        Retry("fsync() on current", () => Sys.Fsync(Fd) == 0 ? 0 : Marshal.GetLastPInvokeError());
        Libc.Close(Fd);
        Fd = -1;
        Archive('s');
        OpenCurrent();
    }

    /// <summary>EOF: mark current as cleanly closed (0744) and close it (no fsync, as perp).</summary>
    public void CloseClean()
    {
        Retry("fchmod() on current", () => Libc.Fchmod(Fd, ModeClean) == 0 ? 0 : Marshal.GetLastPInvokeError());
        Libc.Close(Fd);
        Fd = -1;
    }

    private void OpenCurrent()
    {
        int fd = -1;
        Retry("open() on current", () =>
        {
            fixed (byte* p = "current\0"u8)
                fd = Libc.Open(p, Libc.O_WRONLY | Libc.O_CREAT | Libc.O_APPEND | Libc.O_NONBLOCK | Libc.O_CLOEXEC, (int)ModeNew);
            return fd >= 0 ? 0 : Marshal.GetLastPInvokeError();
        });
        Retry("fchmod() on current", () => Libc.Fchmod(fd, ModeActive) == 0 ? 0 : Marshal.GetLastPInvokeError());
        Fd = fd;
        long end = Libc.Lseek(fd, 0, Sys.SEEK_END);
        Size = end < 0 ? 0 : end;
    }

    /// <summary>current → previous → hard link _STAMP.SUFFIX → unlink previous; compress; prune.</summary>
    private void Archive(char suffix)
    {
        Retry("rename() current to previous", () => Call(&Sys.Rename, "current", "previous"));
        string archive = "";
        Retry("link() previous to archive", () =>
        {
            while (true)
            {
                archive = $"_{Timestamp.Format(DateTime.UtcNow)}.{suffix}";
                int e = Call(&Sys.Link, "previous", archive);
                if (e != Errno.EEXIST) return e;
                // Same microsecond as the last archive: wait 2 µs and take a new stamp.
                Thread.SpinWait(200);
            }
        });
        Retry("unlink() on previous", () => Unlink("previous"));
        if (_zip != null) Compress(archive);
        Prune();
    }

    /// <summary>$TINYLOG_ZIP &lt; archive &gt; zipped, then zipped → archive.Z (0644) and the original removed.</summary>
    private void Compress(string archive)
    {
        var plan = new SpawnPlan();
        plan.Opens.Add((0, archive, Libc.O_RDONLY, 0));
        plan.Opens.Add((1, "zipped", Libc.O_WRONLY | Libc.O_CREAT | Sys.O_TRUNC, ModeNew));
        int pid = Spawner.Spawn(_zip!, new[] { _zip! }, Environ.Current(), plan);
        if (pid < 0)
        {
            _tool.Warn($"unable to run {_zip} to compress {archive}: {Errno.Describe(-pid)}");
            Unlink("zipped");
            return;
        }
        int status = Spawner.WaitFor(pid);
        if (status != 0)
        {
            _tool.Warn($"failure compressing {archive} with {_zip} (wait status {status})");
            Unlink("zipped");
            return;
        }
        string zipped = archive + ".Z";
        Retry($"rename() zipped to {zipped}", () => Call(&Sys.Rename, "zipped", zipped));
        Retry($"chmod() on {zipped}", () =>
        {
            fixed (byte* p = NativePath.ToBytes(zipped))
                return Libc.Chmod(p, ModeActive) == 0 ? 0 : Marshal.GetLastPInvokeError();
        });
        Retry($"unlink() on {archive}", () => Unlink(archive));
    }

    /// <summary>
    /// Deletes the oldest archives until at most -k remain — all the excess at once (perp
    /// handled one and crashed on a second, edge case 29). Archives are entries named
    /// "_", 23+ bytes, with 'T' at index 9, whatever their suffix.
    /// </summary>
    private void Prune()
    {
        var archives = new List<string>();
        foreach (string path in Directory.EnumerateFileSystemEntries("."))
        {
            string name = Path.GetFileName(path);
            if (name.Length >= 23 && name[0] == '_' && name[9] == 'T') archives.Add(name);
        }
        if (archives.Count <= _keep) return;
        archives.Sort(StringComparer.Ordinal);
        for (int i = 0; i < archives.Count - _keep; i++)
        {
            string victim = archives[i];
            Retry($"unlink() on {victim}", () => Unlink(victim));
        }
    }

    private static int Unlink(string name)
    {
        int e;
        fixed (byte* p = NativePath.ToBytes(name)) e = Libc.Unlink(p) == 0 ? 0 : Marshal.GetLastPInvokeError();
        return e == Errno.ENOENT ? 0 : e;
    }

    private static int Call(delegate*<byte*, byte*, int> call, string a, string b)
    {
        // Managed, pinned copies: a rotation every few minutes for months must not leak.
        fixed (byte* pa = NativePath.ToBytes(a))
        fixed (byte* pb = NativePath.ToBytes(b))
            return call(pa, pb) == 0 ? 0 : Marshal.GetLastPInvokeError();
    }

    /// <summary>Runs <paramref name="step"/> until it returns 0, pausing 0.555 s with a warning between tries.</summary>
    private void Retry(string what, Func<int> step)
    {
        while (true)
        {
            int errno = step();
            if (errno == 0) return;
            if (errno == Errno.EINTR) continue;
            _tool.Warn($"pausing: failure {what}: {Errno.Describe(errno)}");
            Thread.Sleep(Pause);
            if (_terminating()) throw _tool.Fatal($"terminating on signal during failure {what}", errno);
        }
    }
}
