using System.Text;
using PerpPS.Core.Interop;
using PerpPS.Core.Posix;
using PerpPS.Core.Protocol;
using PerpPS.Daemon.Interop;

namespace PerpPS.Daemon;

/// <summary>
/// The runscripts a previous perpd of this base left running when it died (issue #11): found
/// once at start-up in /proc as session leaders (every runscript perpd spawns leads its own
/// session) whose environment holds <c>PERP_BASE=BASE</c>, grouped by their working directory
/// (the service directory, by dev/ino). A service's logger is the one whose stdin is a pipe;
/// its main writes to that pipe on stdout. (Once services live in cgroups, the cgroup is the
/// better identity: see the spawn helper's layout.)
/// </summary>
internal sealed class Adoption
{
    /// <summary>One left-over runscript process.</summary>
    public readonly record struct Orphan(int Pid, bool IsLog, bool IsReset);

    private readonly Dictionary<ServiceId, List<Orphan>> _byService = new();

    public int Count { get; private set; }

    /// <summary>Scans /proc for runscripts of <paramref name="baseDirectory"/> not started by this perpd.</summary>
    public static Adoption Find(string baseDirectory)
    {
        var found = new Adoption();
        byte[] marker = Encoding.UTF8.GetBytes("PERP_BASE=" + baseDirectory);
        int self = Libc.GetPid();
        foreach (string dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out int pid) || pid == self) continue;
            try
            {
                string stat = File.ReadAllText(dir + "/stat");
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                if (fields[0] == "Z" || int.Parse(fields[3]) != pid) continue; // not a session leader
                if (!HasEntry(File.ReadAllBytes(dir + "/environ"), marker)) continue;
                if (FileStatus.TryStat(Libc.AT_FDCWD, NativePath.ToBytes(dir + "/cwd"), followLinks: true, out var cwd) != 0) continue;
                bool isLog = IsPipe(dir + "/fd/0");
                byte[] cmdline = File.ReadAllBytes(dir + "/cmdline");
                bool isReset = cmdline.AsSpan().IndexOf("\0reset\0"u8) >= 0 && cmdline.AsSpan().StartsWith("./rc."u8);
                if (!found._byService.TryGetValue(cwd.Id, out var list)) found._byService[cwd.Id] = list = new();
                list.Add(new Orphan(pid, isLog, isReset));
                found.Count++;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
            {
            }
        }
        return found;
    }

    /// <summary>The left-over main and log of a service (0 when none), taken out of the table.</summary>
    public (Orphan? Main, Orphan? Log) Take(ServiceId id)
    {
        if (!_byService.Remove(id, out var list)) return (null, null);
        Orphan? main = null, log = null;
        foreach (var o in list)
        {
            if (o.IsLog) log ??= o;
            else main ??= o;
        }
        return (main, log);
    }

    private static bool HasEntry(byte[] environ, byte[] entry)
    {
        int start = 0;
        for (int i = 0; i <= environ.Length; i++)
        {
            if (i < environ.Length && environ[i] != 0) continue;
            if (environ.AsSpan(start, i - start).SequenceEqual(entry)) return true;
            start = i + 1;
        }
        return false;
    }

    private static bool IsPipe(string fdLink)
    {
        try { return new FileInfo(fdLink).LinkTarget?.StartsWith("pipe:", StringComparison.Ordinal) == true; }
        catch (IOException) { return false; }
    }
}
