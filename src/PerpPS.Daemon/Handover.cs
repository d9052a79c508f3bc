using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using PerpPS.Core.Interop;
using PerpPS.Core.Posix;
using PerpPS.Core.Protocol;
using PerpPS.Daemon.Interop;

namespace PerpPS.Daemon;

/// <summary>
/// The in-place upgrade (issue #11, SIGUSR2 or <c>Restart-PerpDaemon</c>): perpd re-executes
/// its binary (the path it was started from, so a replaced file is the new version) with its
/// own argv, in the same process: same pid, and every runscript stays its child. What the new
/// image needs is handed over in <c>.control/handover</c> (one text line per service: its id,
/// the two log pipe ends, kept open across the exec without close-on-exec, and each slot's
/// pid, flags and <c>when</c>); the file names perpd's pid and start time, so only the same
/// process after its own exec takes it (a stale file is ignored). The signals perpd handles
/// are blocked across the exec and stay pending until the new image has its handlers.
/// Clients and subscribers are disconnected; the control socket is bound anew (a new inode
/// tells a client the new image serves). Refused while a service is being deactivated.
/// </summary>
internal static unsafe partial class Handover
{
    private const string Magic = "perpd-handover-1";
    private static readonly int[] Held = [SignalNames.SIGTERM, SignalNames.SIGINT, SignalNames.SIGHUP, SignalNames.SIGUSR2, SignalNames.SIGCHLD];

    private static string PathFor(string baseDirectory) => Path.Combine(baseDirectory, ".control", "handover");

    /// <summary>Re-executes perpd; returns only when that failed (everything is as it was, the reason logged).</summary>
    public static void Exec(string baseDirectory, ServiceTable table, DaemonLog log)
    {
        foreach (var svc in table.All)
            if (svc.IsCulling || svc.Removed)
            {
                log.Warning().Add("upgrade refused: service ").Add(svc.Name).Add(" is being deactivated; send SIGUSR2 again later").Line();
                return;
            }
        string? exe = OwnExecutable();
        byte[] cmdline;
        try { cmdline = File.ReadAllBytes("/proc/self/cmdline"); }
        catch (IOException e)
        {
            log.Warning().Add("upgrade refused: cannot read /proc/self/cmdline: ").Add(e.Message).Line();
            return;
        }
        if (exe == null || !ProcStat.TryRead(Libc.GetPid(), out var self))
        {
            log.Warning().Add("upgrade refused: cannot find perpd's own executable in /proc/self").Line();
            return;
        }
        string path = PathFor(baseDirectory);
        try
        {
            File.WriteAllText(path + ".new", Describe(table, self));
            File.Move(path + ".new", path, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            log.Warning().Add("upgrade refused: cannot write ").Add(path).Add(": ").Add(e.Message).Line();
            return;
        }
        log.Info().Add("upgrade: re-executing ").Add(exe).Add(" with ").Count(table.Count, " service", " services").Line();
        byte* set = stackalloc byte[Libc.SigSetSize];
        byte* old = stackalloc byte[Libc.SigSetSize];
        Libc.SigEmptySet(set);
        foreach (int sig in Held) Native.SigAddSet(set, sig);
        Native.SigProcMask(Native.SIG_BLOCK, set, old);
        SetInherited(table, inherit: true);
        ExecOwn(exe, cmdline);
        int errno = Native.Errno;
        SetInherited(table, inherit: false);
        Native.SigProcMask(Native.SIG_SETMASK, old, null);
        try { File.Delete(path); } catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
        log.Error().Add("upgrade failed: execve() of ").Add(exe).Add(": ").Errno(errno).Add("; carrying on").Line();
    }

    /// <summary>The handover left by this very process before its exec, taken (the file removed); null when there is none.</summary>
    public static Adoption? TryTake(string baseDirectory, DaemonLog log)
    {
        string path = PathFor(baseDirectory);
        string[] lines;
        try { lines = File.ReadAllLines(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return null; }
        try { File.Delete(path); } catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
        if (!ProcStat.TryRead(Libc.GetPid(), out var self) || lines.Length == 0 || lines[0] != Header(self))
        {
            log.Warning().Add("ignoring a stale ").Add(path).Add(" (not this process's)").Line();
            return null;
        }
        var entries = new Dictionary<ServiceId, Adoption.Entry>();
        foreach (string line in lines.AsSpan(1))
        {
            string[] f = line.Split(' ');
            if (f.Length != 12) continue;
            var e = new Adoption.Entry { Exact = true, PipeRead = Int(f[2]), PipeWrite = Int(f[3]), Main = Slot(f, 4), Log = Slot(f, 8) };
            entries[new ServiceId(ulong.Parse(f[0], CultureInfo.InvariantCulture), ulong.Parse(f[1], CultureInfo.InvariantCulture))] = e;
        }
        var adoption = Adoption.FromEntries(entries);
        log.Info().Add("upgrade: adopting ").Count(adoption.Count, " runscript", " runscripts").Add(" of ")
            .Count(entries.Count, " service", " services").Add(" handed over across the exec").Line();
        return adoption;
    }

    private static Adoption.Orphan Slot(string[] f, int at)
    {
        var flags = (SubserviceFlags)int.Parse(f[at + 1], CultureInfo.InvariantCulture);
        var when = new Tai64N(ulong.Parse(f[at + 2], CultureInfo.InvariantCulture), uint.Parse(f[at + 3], CultureInfo.InvariantCulture));
        return new Adoption.Orphan(Int(f[at]), (flags & SubserviceFlags.IsReset) != 0, when, flags);
    }

    private static int Int(string s) => int.Parse(s, CultureInfo.InvariantCulture);

    private static string Header(ProcStat self) => Magic + " " + self.Pid + " " + self.StartTicks;

    private static string Describe(ServiceTable table, ProcStat self)
    {
        var text = new StringBuilder(Header(self)).Append('\n');
        foreach (var svc in table.All)
        {
            text.Append(CultureInfo.InvariantCulture, $"{svc.Id.Device} {svc.Id.Inode} {svc.LogPipeRead} {svc.LogPipeWrite}");
            foreach (var sub in new[] { svc.Main, svc.Log })
                text.Append(CultureInfo.InvariantCulture, $" {sub.Pid} {(int)sub.Flags} {sub.When.Label} {sub.When.Nanoseconds}");
            text.Append('\n');
        }
        return text.ToString();
    }

    /// <summary>Log pipe ends survive the exec (close-on-exec off), or are put back to close-on-exec.</summary>
    private static void SetInherited(ServiceTable table, bool inherit)
    {
        int flag = inherit ? 0 : Native.FD_CLOEXEC;
        foreach (var svc in table.All)
        {
            if (svc.LogPipeRead >= 0) Native.Fcntl(svc.LogPipeRead, Native.F_SETFD, flag);
            if (svc.LogPipeWrite >= 0) Native.Fcntl(svc.LogPipeWrite, Native.F_SETFD, flag);
        }
    }

    /// <summary>The path perpd was executed from: /proc/self/exe's target, without " (deleted)" when the file was replaced.</summary>
    private static string? OwnExecutable()
    {
        try
        {
            string? target = new FileInfo("/proc/self/exe").LinkTarget;
            if (target == null) return null;
            const string deleted = " (deleted)";
            return target.EndsWith(deleted, StringComparison.Ordinal) ? target[..^deleted.Length] : target;
        }
        catch (IOException)
        {
            return null;
        }
    }

    /// <summary>execv(exe, argv of /proc/self/cmdline): the environment stays perpd's own.</summary>
    private static void ExecOwn(string exe, byte[] cmdline)
    {
        int argc = 0;
        foreach (byte b in cmdline) if (b == 0) argc++;
        byte[] path = Encoding.UTF8.GetBytes(exe + "\0");
        byte** argv = stackalloc byte*[argc + 1];
        fixed (byte* args = cmdline)
        fixed (byte* p = path)
        {
            int n = 0, start = 0;
            for (int i = 0; i < cmdline.Length && n < argc; i++)
            {
                if (cmdline[i] != 0) continue;
                argv[n++] = args + start;
                start = i + 1;
            }
            argv[n] = null;
            Execv(p, argv);
        }
    }

    [LibraryImport("libc", EntryPoint = "execv", SetLastError = true)]
    private static partial int Execv(byte* path, byte** argv);
}
