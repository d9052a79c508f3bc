using PerpPS.Core.Interop;
using System.Runtime.InteropServices;
using PerpPS.Core.Posix;
using PerpPS.Runtools.Common;
using PerpPS.Runtools.Interop;

namespace PerpPS.Runtools.Tinylog;

/// <summary>
/// tinylog [-hV] [-k numkeep] [-r] [-s logsize] [-t] [-z] dir: the logger of every
/// service's rc.log (spec §12.1). Reads stdin until EOF or SIGTERM, stores lines in
/// dir/current, rotates at the size limit or on SIGHUP, keeps -k archives.
/// </summary>
internal static unsafe class TinylogProgram
{
    private const int ReadSize = 64 * 1024;
    private const int MinSize = 2000;

    public static int Run(string name, string[] args)
    {
        var tool = new Tool(name, "[-hV] [-k numkeep] [-r] [-s logsize] [-t] [-z] dir", MessageStyle.Daemon);
        var opts = new OptionParser(tool, args, "k:rs:tz");
        int keep = 5;
        long size = 100000;
        bool rotateClean = false, stamps = false, zip = false;
        while (opts.Next(out char o, out string? a))
        {
            switch (o)
            {
                case 'k':
                    if (!int.TryParse(a, System.Globalization.NumberStyles.None, null, out keep))
                        throw tool.Usage($"bad numeric argument for -k: {a}");
                    break;
                case 's':
                    if (!long.TryParse(a, System.Globalization.NumberStyles.None, null, out size))
                        throw tool.Usage($"bad numeric argument for -s: {a}");
                    break;
                case 'r': rotateClean = true; break;
                case 't': stamps = true; break;
                case 'z': zip = true; break;
            }
        }
        string[] rest = opts.Rest;
        if (rest.Length < 1) throw tool.Usage("missing argument for logging directory");
        string dir = rest[0];
        if (size < MinSize) size = MinSize;
        string? zipProgram = zip ? (Environment.GetEnvironmentVariable("TINYLOG_ZIP") is { Length: > 0 } z ? z : "/usr/bin/gzip") : null;

        tool.Info($"starting for logging in {dir} ...");
        byte* d = NativeStrings.One(dir);
        Libc.Mkdir(d, FileModes.Mode0700);
        if (Libc.Chdir(d) != 0) throw tool.Fatal($"failure chdir() to {dir}", Marshal.GetLastPInvokeError());

        int lockFd = LockFile.Open("tinylog.pid", closeOnExec: true);
        if (lockFd < 0) throw tool.Fatal("failure on lock file tinylog.pid", -lockFd);
        int errno = LockFile.Acquire(lockFd, block: false);
        if (errno != 0) throw tool.Fatal("failure on lock file tinylog.pid", errno);
        LockFile.WritePid(lockFd, Environment.ProcessId);

        using var signals = new SignalFlags(SignalNames.SIGTERM, SignalNames.SIGHUP);
        var logDir = new LogDirectory(tool, keep, zipProgram, () => signals.Peek(SignalNames.SIGTERM));
        logDir.Open(rotateClean);
        var writer = new LogWriter(tool, logDir, size, stamps,
            () => signals.Peek(SignalNames.SIGHUP) && signals.Take(SignalNames.SIGHUP) > 0,
            () => signals.Peek(SignalNames.SIGTERM));

        int exit = Pump(tool, writer, signals);
        writer.Finish();
        logDir.CloseClean();
        return exit;
    }

    /// <summary>Reads stdin until EOF (0) or SIGTERM (0); a read error ends with 111.</summary>
    private static int Pump(Tool tool, LogWriter writer, SignalFlags signals)
    {
        byte[] buffer = new byte[ReadSize];
        Libc.PollFd* fds = stackalloc Libc.PollFd[2];
        fixed (byte* b = buffer)
        {
            while (true)
            {
                if (signals.Peek(SignalNames.SIGTERM)) return 0;
                fds[0] = new Libc.PollFd { Fd = 0, Events = Libc.POLLIN };
                fds[1] = new Libc.PollFd { Fd = signals.Fd, Events = Libc.POLLIN };
                if (Libc.Poll(fds, 2, -1) < 0)
                {
                    int pe = Marshal.GetLastPInvokeError();
                    if (pe == Errno.EINTR) continue;
                    Tool.Err($"error: {tool.Name}[{Environment.ProcessId}]: fatal: failure poll() on stdin: {Errno.Describe(pe)}");
                    return Tool.ExitFatal;
                }
                if (fds[1].Revents != 0) signals.Drain();
                if (fds[0].Revents == 0) continue;
                nint n = Libc.Read(0, b, buffer.Length);
                if (n == 0) return 0;
                if (n < 0)
                {
                    int e = Marshal.GetLastPInvokeError();
                    if (e == Errno.EINTR || e == Errno.EAGAIN) continue;
                    Tool.Err($"error: {tool.Name}[{Environment.ProcessId}]: fatal: failure read() on stdin: {Errno.Describe(e)}");
                    return Tool.ExitFatal;
                }
                writer.Take(buffer.AsSpan(0, (int)n));
            }
        }
    }
}
