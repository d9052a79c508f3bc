using System.Globalization;
using PerpPS.Core.Interop;

namespace PerpPS.Core.Posix;

/// <summary>
/// One process as /proc/PID/stat gives it (proc(5)): the fields PerpPS reads, the module to
/// tell a living perpd from a zombie and when it started, the tests to find a service's
/// children, sessions and state. One reader for all, so the parsing rule lives once: the
/// command name may hold spaces and parentheses, so fields are counted after the last ')'.
/// </summary>
public readonly record struct ProcStat(int Pid, char State, int Parent, int ProcessGroup, int Session, ulong StartTicks)
{
    /// <summary>Clock ticks per second of <see cref="StartTicks"/> (USER_HZ, 100 on Linux).</summary>
    public const int TicksPerSecond = 100;

    /// <summary>Exited and not yet reaped (Z), or being torn down (X).</summary>
    public bool IsZombie => State is 'Z' or 'X';

    /// <summary>Reads /proc/PID/stat; false when the process is gone (or unreadable).</summary>
    public static bool TryRead(int pid, out ProcStat stat)
    {
        stat = default;
        string text;
        try
        {
            text = File.ReadAllText($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/stat");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
        return TryParse(pid, text, out stat);
    }

    /// <summary>Parses the text of a stat file (fields 3 on, after the command name).</summary>
    public static bool TryParse(int pid, string text, out ProcStat stat)
    {
        stat = default;
        int close = text.LastIndexOf(')');
        if (close < 0 || close + 2 >= text.Length) return false;
        string[] f = text[(close + 2)..].Split(' ');
        // f[0] is field 3 (state); field N is f[N - 3].
        if (f.Length < 20 || f[0].Length == 0) return false;
        if (!int.TryParse(f[1], NumberStyles.None, CultureInfo.InvariantCulture, out int parent)
            || !int.TryParse(f[2], NumberStyles.None, CultureInfo.InvariantCulture, out int group)
            || !int.TryParse(f[3], NumberStyles.None, CultureInfo.InvariantCulture, out int session)
            || !ulong.TryParse(f[19], NumberStyles.None, CultureInfo.InvariantCulture, out ulong start))
            return false;
        stat = new ProcStat(pid, f[0][0], parent, group, session, start);
        return true;
    }

    /// <summary>True while the process exists and is not a zombie (which still answers kill 0).</summary>
    public static bool IsAlive(int pid)
    {
        if (pid <= 0 || Libc.Kill(pid, 0) != 0) return false;
        // /proc/PID vanished between kill() and the read: it has just been reaped, unless the
        // pid is in use again.
        if (!TryRead(pid, out var stat)) return Libc.Kill(pid, 0) == 0;
        return !stat.IsZombie;
    }

    /// <summary>Every process that still exists when it is read (one that ends mid-scan is skipped).</summary>
    public static List<ProcStat> All()
    {
        var result = new List<ProcStat>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
            if (int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out int pid)
                && TryRead(pid, out var stat))
                result.Add(stat);
        return result;
    }

    /// <summary>Children of <paramref name="parent"/>, zombies included unless told otherwise.</summary>
    public static List<int> ChildrenOf(int parent, bool includeZombies = true)
    {
        var result = new List<int>();
        foreach (var e in All())
            if (e.Parent == parent && (includeZombies || !e.IsZombie)) result.Add(e.Pid);
        return result;
    }

    /// <summary>When the process started (UTC): its start ticks after boot plus btime of /proc/stat; null when unknown.</summary>
    public DateTime? StartTimeUtc()
    {
        try
        {
            foreach (string line in File.ReadLines("/proc/stat"))
                if (line.StartsWith("btime ", StringComparison.Ordinal)
                    && long.TryParse(line.AsSpan(6).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out long boot))
                    return DateTime.UnixEpoch.AddSeconds(boot + StartTicks / (double)TicksPerSecond);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
        return null;
    }
}
