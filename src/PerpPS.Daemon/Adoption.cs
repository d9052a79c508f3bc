using System.Globalization;
using System.Text;
using PerpPS.Core.Interop;
using PerpPS.Core.Posix;
using PerpPS.Core.Protocol;

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

    /// <summary>Scans /proc for runscripts of <paramref name="baseDirectory"/> not started by this perpd.</summary>
    public static Adoption Find(string baseDirectory, Containment containment)
    {
        var found = new Adoption();
        byte[] marker = Encoding.UTF8.GetBytes("PERP_BASE=" + baseDirectory);
        string? cgroupMarker = containment.Root is { } root ? "/" + Path.GetFileName(root) + "/sv-" : null;
        int self = Libc.GetPid();
        var loose = new List<(Orphan Orphan, ServiceId Cwd, string? Pipe)>();
        var mainByPipe = new Dictionary<string, ServiceId>();
        foreach (string dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir.AsSpan()), out int pid) || pid == self) continue;
            if (!ProcStat.TryRead(pid, out var stat) || stat.IsZombie || stat.Session != pid) continue;
            try
            {
                byte[] environ = File.ReadAllBytes(dir + "/environ");
                if (!HasEntry(environ, marker)) continue;
                bool isStart = Value(environ, "PERP_SVPID="u8) == pid.ToString(CultureInfo.InvariantCulture);
                bool isReset = !isStart && IsResetCommand(File.ReadAllBytes(dir + "/cmdline"));
                if (!isStart && !isReset) continue; // a setsid grandchild, not a runscript
                var when = stat.StartTimeUtc() is { } t ? Tai64N.FromUnix(new DateTimeOffset(t).ToUnixTimeSeconds(), 0) : Tai64N.Now();
                var orphan = new Orphan(pid, isReset, when);
                if (cgroupMarker != null && InCgroup(dir, cgroupMarker, out var id, out bool isLog))
                {
                    found.Put(id, isLog, orphan);
                    continue;
                }
                if (FileStatus.TryStat(Libc.AT_FDCWD, NativePath.ToBytes(dir + "/cwd"), followLinks: true, out var cwd) != 0) continue;
                string? stdin = PipeOf(dir + "/fd/0");
                if (stdin == null && PipeOf(dir + "/fd/1") is { } stdout) mainByPipe.TryAdd(stdout, cwd.Id);
                loose.Add((orphan, cwd.Id, stdin));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // gone meanwhile, or not ours to read
            }
        }
        // Without a cgroup: a main is where it runs (its cwd); a logger (stdin a pipe) belongs to
        // the main that writes to that pipe, since a logger such as tinylog changes directory.
        foreach (var (orphan, cwd, stdin) in loose)
            found.Put(stdin != null && mainByPipe.TryGetValue(stdin, out var owner) ? owner : cwd, stdin != null, orphan);
        return found;
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

    private static bool HasEntry(byte[] environ, byte[] entry)
    {
        foreach (var range in Entries(environ))
            if (environ.AsSpan(range).SequenceEqual(entry)) return true;
        return false;
    }

    private static string? Value(byte[] environ, ReadOnlySpan<byte> prefix)
    {
        foreach (var range in Entries(environ))
        {
            var e = environ.AsSpan(range);
            if (e.StartsWith(prefix)) return Encoding.ASCII.GetString(e[prefix.Length..]);
        }
        return null;
    }

    private static IEnumerable<Range> Entries(byte[] environ)
    {
        int start = 0;
        for (int i = 0; i <= environ.Length; i++)
        {
            if (i < environ.Length && environ[i] != 0) continue;
            yield return new Range(start, i);
            start = i + 1;
        }
    }
}
