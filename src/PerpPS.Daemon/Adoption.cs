using System.Globalization;
using System.Text;
using PerpPS.Core.Interop;
using PerpPS.Core.Posix;
using PerpPS.Core.Protocol;
using PerpPS.Daemon.Interop;

namespace PerpPS.Daemon;

/// <summary>
/// The runscripts a perpd of this base left running (issue #11), found once at start-up.
/// <para>After a crash (<see cref="Find"/>): in /proc, session leaders (every runscript perpd
/// spawns leads its own session) whose environment holds <c>PERP_BASE=BASE</c>. The service
/// and slot come from the cgroup (<c>…/perpd-HASH/sv-DEV-INO/main|log</c>) when perpd uses
/// cgroups and the process is in one of its own; else a main is found by its working directory
/// (the service directory, by dev/ino) and a logger (stdin a pipe) by the main writing to that
/// pipe, or by its working directory when no main runs. A start carries
/// <c>PERP_SVPID</c> = its own pid; a reset still runs its script with <c>reset</c> as
/// argv[1]; any other session leader there (a setsid grandchild) is not a runscript.</para>
/// <para>After an upgrade re-exec (<see cref="Handover"/>): exactly what the previous image
/// wrote, pipes included, so nothing depends on /proc and an exit during the exec is seen.</para>
/// </summary>
internal sealed class Adoption
{
    /// <summary>One left-over runscript: its pid, whether it runs the reset, and since when.</summary>
    public readonly record struct Orphan(int Pid, bool IsReset, Tai64N When, SubserviceFlags Flags = SubserviceFlags.None);

    /// <summary>What is known of one service: its slots, and (handover only) the pipe ends perpd kept open across exec.</summary>
    public sealed class Entry
    {
        public Orphan? Main, Log;
        public int PipeRead = -1, PipeWrite = -1;
        /// <summary>From a handover: both slots' flags (wants included) are exact, a slot with pid 0 included.</summary>
        public bool Exact;
    }

    private readonly Dictionary<ServiceId, Entry> _byService = new();

    /// <summary>Number of runscripts found.</summary>
    public int Count { get; private set; }

    /// <summary>True when the runscripts are perpd's own children (a handover), so their exit status is known.</summary>
    public bool FromHandover { get; private init; }

    /// <summary>Services found but not (yet) activated: what is left at the end of the first scan.</summary>
    public IEnumerable<KeyValuePair<ServiceId, Entry>> Left => _byService;

    /// <summary>Adds what a handover lists (see <see cref="Handover"/>).</summary>
    public static Adoption FromEntries(Dictionary<ServiceId, Entry> entries)
    {
        var a = new Adoption { FromHandover = true };
        foreach (var (id, e) in entries)
        {
            a._byService[id] = e;
            a.Count += (e.Main is { Pid: > 0 } ? 1 : 0) + (e.Log is { Pid: > 0 } ? 1 : 0);
        }
        return a;
    }

    /// <summary>Scans /proc for runscripts of <paramref name="baseDirectory"/> not started by this perpd.
    /// <para>Every process is looked at, so the walk allocates nothing per process (getdents64,
    /// stat and environ read into fixed buffers): garbage made at start-up stays resident in
    /// perpd's GC heap (with ~900 processes, string-based reads left 1.2 MiB of it). Only a
    /// session leader whose environment holds the marker costs more.</para></summary>
    public static unsafe Adoption Find(string baseDirectory, Containment containment)
    {
        var found = new Adoption();
        byte[] marker = Encoding.UTF8.GetBytes("PERP_BASE=" + baseDirectory);
        string? cgroupMarker = containment.Root is { } root ? "/" + Path.GetFileName(root) + "/sv-" : null;
        int self = Libc.GetPid();
        var loose = new List<(Orphan Orphan, ServiceId Cwd, string? Pipe)>();
        var mainByPipe = new Dictionary<string, ServiceId>();
        int procFd;
        fixed (byte* proc = "/proc\0"u8) procFd = Libc.Open(proc, Libc.O_RDONLY | Libc.O_DIRECTORY | Libc.O_CLOEXEC, 0);
        if (procFd < 0) return found;
        byte[] environ = new byte[16 * 1024];
        try
        {
            var entries = new DirectoryEntries(procFd, stackalloc byte[8192]);
            while (entries.MoveNext())
            {
                if (!TryPid(entries.Name, out int pid) || pid == self) continue;
                if (!ProcStat.TryRead(pid, out var stat) || stat.IsZombie || stat.Session != pid) continue;
                int length = ReadEnviron(pid, ref environ);
                if (length < 0 || !HasEntry(environ.AsSpan(0, length), marker)) continue;
                Examine(found, pid, stat, environ.AsSpan(0, length), cgroupMarker, loose, mainByPipe);
            }
        }
        finally
        {
            Libc.Close(procFd);
        }
        // Without a cgroup: a main is where it runs (its cwd); a logger (stdin a pipe) belongs to
        // the main that writes to that pipe, since a logger such as tinylog changes directory.
        foreach (var (orphan, cwd, stdin) in loose)
            found.Put(stdin != null && mainByPipe.TryGetValue(stdin, out var owner) ? owner : cwd, stdin != null, orphan);
        return found;
    }

    /// <summary>One session leader of this base (its environment holds the marker): a start, a reset, or neither.</summary>
    private static void Examine(Adoption found, int pid, ProcStat stat, ReadOnlySpan<byte> environ, string? cgroupMarker,
        List<(Orphan Orphan, ServiceId Cwd, string? Pipe)> loose, Dictionary<string, ServiceId> mainByPipe)
    {
        string dir = "/proc/" + pid.ToString(CultureInfo.InvariantCulture);
        try
        {
            bool isStart = Value(environ, "PERP_SVPID="u8) == pid.ToString(CultureInfo.InvariantCulture);
            bool isReset = !isStart && IsResetCommand(File.ReadAllBytes(dir + "/cmdline"));
            if (!isStart && !isReset) return; // a setsid grandchild, not a runscript
            // UTC ticks to Unix seconds directly: DateTimeOffset's constructor reaches TimeZoneInfo
            // (and through it TimeSpan parsing and date formatting), ~60 KiB of perpd's image.
            var when = stat.StartTimeUtc() is { } t ? Tai64N.FromUnix((t.Ticks - DateTime.UnixEpoch.Ticks) / TimeSpan.TicksPerSecond, 0) : Tai64N.Now();
            var orphan = new Orphan(pid, isReset, when);
            if (cgroupMarker != null && InCgroup(dir, cgroupMarker, out var id, out bool isLog))
            {
                found.Put(id, isLog, orphan);
                return;
            }
            if (FileStatus.TryStat(Libc.AT_FDCWD, NativePath.ToBytes(dir + "/cwd"), followLinks: true, out var cwd) != 0) return;
            string? stdin = PipeOf(dir + "/fd/0");
            if (stdin == null && PipeOf(dir + "/fd/1") is { } stdout) mainByPipe.TryAdd(stdout, cwd.Id);
            loose.Add((orphan, cwd.Id, stdin));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // gone meanwhile, or not ours to read
        }
    }

    /// <summary>A /proc entry's name as a pid; false for anything not all digits.</summary>
    private static bool TryPid(ReadOnlySpan<byte> name, out int pid)
    {
        pid = 0;
        foreach (byte b in name)
        {
            if (b is < (byte)'0' or > (byte)'9' || pid > (int.MaxValue - 9) / 10) return false;
            pid = pid * 10 + (b - '0');
        }
        return !name.IsEmpty;
    }

    /// <summary>Reads /proc/PID/environ into <paramref name="buffer"/> (grown when it fills):
    /// its length, or -1 when the process is gone or not ours to read.</summary>
    private static unsafe int ReadEnviron(int pid, ref byte[] buffer)
    {
        byte* path = stackalloc byte[32];
        int n = 0;
        foreach (byte b in "/proc/"u8) path[n++] = b;
        pid.TryFormat(new Span<byte>(path + n, 10), out int digits);
        n += digits;
        foreach (byte b in "/environ"u8) path[n++] = b;
        path[n] = 0;
        int fd = Libc.Open(path, Libc.O_RDONLY | Libc.O_CLOEXEC, 0);
        if (fd < 0) return -1;
        int length = 0;
        try
        {
            while (true)
            {
                if (length == buffer.Length) Array.Resize(ref buffer, buffer.Length * 2);
                nint got;
                fixed (byte* b = buffer) got = Libc.Read(fd, b + length, buffer.Length - length);
                if (got < 0 && Native.Errno == Errno.EINTR) continue;
                if (got < 0) return -1;
                if (got == 0) return length;
                length += (int)got;
            }
        }
        finally
        {
            Libc.Close(fd);
        }
    }


    private void Put(ServiceId id, bool isLog, Orphan orphan)
    {
        if (!_byService.TryGetValue(id, out var entry)) _byService[id] = entry = new Entry();
        // Two for one slot (should not happen): the start wins over a reset.
        if (isLog) { if (entry.Log is not { IsReset: false }) entry.Log = orphan; }
        else if (entry.Main is not { IsReset: false }) entry.Main = orphan;
        Count++;
    }

    /// <summary>Service and slot of a runscript in one of perpd's cgroups (<c>…/perpd-HASH/sv-DEV-INO/main|log</c>).</summary>
    private static bool InCgroup(string dir, string cgroupMarker, out ServiceId id, out bool isLog)
    {
        id = default;
        isLog = false;
        foreach (string line in File.ReadLines(dir + "/cgroup"))
        {
            if (!line.StartsWith("0::", StringComparison.Ordinal)) continue;
            int at = line.IndexOf(cgroupMarker, StringComparison.Ordinal);
            if (at < 0) return false;
            string[] parts = line[(at + cgroupMarker.Length)..].Split('/');
            string[] devIno = parts[0].Split('-');
            if (parts.Length != 2 || devIno.Length != 2 || parts[1] is not ("main" or "log")
                || !ulong.TryParse(devIno[0], out ulong dev) || !ulong.TryParse(devIno[1], out ulong ino)) return false;
            id = new ServiceId(dev, ino);
            isLog = parts[1] == "log";
            return true;
        }
        return false;
    }

    /// <summary>The <c>pipe:[INODE]</c> a descriptor link names, or null when it is not a pipe.</summary>
    public static string? PipeOf(string fdLink)
    {
        try
        {
            string? target = new FileInfo(fdLink).LinkTarget;
            return target != null && target.StartsWith("pipe:", StringComparison.Ordinal) ? target : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>The left-over runscripts of a service, taken out of the table (null when none).</summary>
    public Entry? Take(ServiceId id) => _byService.Remove(id, out var e) ? e : null;

    private static bool IsResetCommand(byte[] cmdline) =>
        (cmdline.AsSpan().StartsWith("./rc.main\0reset\0"u8) || cmdline.AsSpan().StartsWith("./rc.log\0reset\0"u8));

    private static bool HasEntry(ReadOnlySpan<byte> environ, ReadOnlySpan<byte> entry)
    {
        while (NextEntry(ref environ, out var e))
            if (e.SequenceEqual(entry)) return true;
        return false;
    }

    private static string? Value(ReadOnlySpan<byte> environ, ReadOnlySpan<byte> prefix)
    {
        while (NextEntry(ref environ, out var e))
            if (e.StartsWith(prefix)) return Encoding.ASCII.GetString(e[prefix.Length..]);
        return null;
    }

    /// <summary>The next NUL-separated entry of <paramref name="rest"/>, which moves past it.</summary>
    private static bool NextEntry(ref ReadOnlySpan<byte> rest, out ReadOnlySpan<byte> entry)
    {
        if (rest.IsEmpty) { entry = default; return false; }
        int end = rest.IndexOf((byte)0);
        entry = end < 0 ? rest : rest[..end];
        rest = end < 0 ? default : rest[(end + 1)..];
        return true;
    }
}
