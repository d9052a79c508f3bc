using PerpPS.Core.Posix;

namespace PerpPS.TestSupport;

/// <summary>
/// What /proc says about processes, for the tests: children and descendants, state, descriptors,
/// memory, caught signals, command lines. The stat file is read by Core's <see cref="ProcStat"/>.
/// </summary>
public static class ProcFs
{
    /// <summary>Direct children of <paramref name="pid"/>; zombies only when asked for.</summary>
    public static List<int> ChildrenOf(int pid, bool includeZombies = false) => ProcStat.ChildrenOf(pid, includeZombies);

    /// <summary>All living descendants of <paramref name="pid"/>.</summary>
    public static List<int> DescendantsOf(int pid)
    {
        var all = new List<int>();
        var queue = new Queue<int>();
        queue.Enqueue(pid);
        while (queue.Count > 0)
            foreach (int c in ChildrenOf(queue.Dequeue()))
            {
                all.Add(c);
                queue.Enqueue(c);
            }
        return all;
    }

    /// <summary>Children of <paramref name="parent"/> that are zombies (dead, not reaped).</summary>
    public static List<int> ZombieChildren(int parent)
    {
        var result = new List<int>();
        foreach (var e in ProcStat.All())
            if (e.Parent == parent && e.State == 'Z') result.Add(e.Pid);
        return result;
    }

    /// <summary>A stat line a process printed of itself (cat /proc/$$/stat), read by Core's rule.</summary>
    public static ProcStat ParseStat(string text)
    {
        int pid = int.Parse(text[..text.IndexOf(' ')]);
        if (!ProcStat.TryParse(pid, text, out var stat)) throw new FormatException("not a /proc/PID/stat line: " + text);
        return stat;
    }

    /// <summary>The command name of /proc/PID/comm, or null when gone.</summary>
    public static string? Comm(int pid)
    {
        try { return File.ReadAllText($"/proc/{pid}/comm").Trim(); }
        catch (IOException) { return null; }
        catch (UnauthorizedAccessException) { return null; }
    }

    /// <summary>
    /// True when <paramref name="pid"/> is a start that still sleeps the respawn governor's
    /// hold-back: a child of perpd <paramref name="daemonPid"/> that has not exec'd its
    /// runscript yet, so it still carries perpd's command name (perp's "copy of perpd").
    /// </summary>
    public static bool IsGovernorSleeper(int pid, int daemonPid) =>
        pid > 0 && Comm(pid) is { } c && c == Comm(daemonPid);

    /// <summary>The state letter of /proc/PID/stat (R, S, T, Z...), or null when gone.</summary>
    public static char? State(int pid) => ProcStat.TryRead(pid, out var s) ? s.State : null;

    /// <summary>The process group of <paramref name="pid"/>, or 0 when gone.</summary>
    public static int ProcessGroup(int pid) => ProcStat.TryRead(pid, out var s) ? s.ProcessGroup : 0;

    /// <summary>Living processes whose environment holds PERP_BASE=<paramref name="baseDirectory"/>.</summary>
    public static int[] ProcessesOfBase(string baseDirectory)
    {
        byte[] needle = System.Text.Encoding.UTF8.GetBytes("PERP_BASE=" + baseDirectory + "\0");
        var found = new List<int>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out int pid)) continue;
            try
            {
                byte[] env = File.ReadAllBytes(Path.Combine(dir, "environ"));
                if (env.AsSpan().IndexOf(needle) >= 0 && ProcStat.IsAlive(pid)) found.Add(pid);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
            }
        }
        return found.ToArray();
    }

    /// <summary>The command line with NULs as spaces, "" when gone.</summary>
    public static string CommandLine(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/cmdline").Replace('\0', ' ').Trim();
        }
        catch (IOException)
        {
            return "";
        }
    }

    /// <summary>True once <paramref name="pid"/> has a handler for <paramref name="signal"/> (SigCgt in /proc).</summary>
    public static bool Catches(int pid, int signal)
    {
        try
        {
            foreach (string line in File.ReadAllLines($"/proc/{pid}/status"))
                if (line.StartsWith("SigCgt:", StringComparison.Ordinal))
                    return (Convert.ToUInt64(line[7..].Trim(), 16) & (1UL << (signal - 1))) != 0;
        }
        catch (IOException)
        {
        }
        return false;
    }

    /// <summary>
    /// True while <paramref name="pid"/> is blocked waiting for a file lock: /proc/locks lists a
    /// waiter as "N: -> POSIX ADVISORY WRITE PID ..." under the lock it waits for.
    /// </summary>
    public static bool WaitsForLock(int pid)
    {
        foreach (string line in File.ReadLines("/proc/locks"))
        {
            var f = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (f.Length > 5 && f[1] == "->" && int.TryParse(f[5], out int waiter) && waiter == pid) return true;
        }
        return false;
    }

    /// <summary>Number of open file descriptors.</summary>
    public static int FdCount(int pid) => Directory.GetFileSystemEntries($"/proc/{pid}/fd").Length;

    /// <summary>Targets of the open descriptors (for a readable failure message).</summary>
    public static string FdList(int pid)
    {
        var lines = new List<string>();
        foreach (string fd in Directory.GetFileSystemEntries($"/proc/{pid}/fd"))
        {
            string target;
            try { target = new FileInfo(fd).LinkTarget ?? "?"; }
            catch (IOException) { target = "?"; }
            lines.Add($"{Path.GetFileName(fd)} -> {target}");
        }
        lines.Sort(StringComparer.Ordinal);
        return string.Join('\n', lines);
    }

    /// <summary>Resident set size in KiB (VmRSS).</summary>
    public static long RssKb(int pid) => StatusField(pid, "VmRSS:");

    public static long Threads(int pid) => StatusField(pid, "Threads:");

    /// <summary>
    /// Voluntary + involuntary context switches of each thread of <paramref name="pid"/>, by
    /// thread id (the main thread's id is the pid): how often each one woke up. A thread that
    /// ends between listing and reading is left out.
    /// </summary>
    public static Dictionary<int, long> ContextSwitches(int pid)
    {
        var result = new Dictionary<int, long>();
        foreach (string task in Directory.GetDirectories($"/proc/{pid}/task"))
        {
            try
            {
                long n = 0;
                foreach (string line in File.ReadLines(Path.Combine(task, "status")))
                    if (line.Contains("ctxt_switches", StringComparison.Ordinal)) n += long.Parse(line.Split(':')[1].Trim());
                result[int.Parse(Path.GetFileName(task))] = n;
            }
            catch (IOException)
            {
                // the thread ended between listing and reading
            }
        }
        return result;
    }

    private static long StatusField(int pid, string field)
    {
        foreach (string line in File.ReadLines($"/proc/{pid}/status"))
            if (line.StartsWith(field, StringComparison.Ordinal))
                return long.Parse(line[field.Length..].Trim().Split(' ')[0]);
        throw new InvalidOperationException($"{field} not in /proc/{pid}/status");
    }
}
