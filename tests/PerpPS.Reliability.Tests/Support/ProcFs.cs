namespace PerpPS.Reliability.Tests.Support;

/// <summary>What /proc says about a process: the observables the reliability tests hold flat.</summary>
public static class ProcFs
{
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

    private static long StatusField(int pid, string field)
    {
        foreach (string line in File.ReadLines($"/proc/{pid}/status"))
            if (line.StartsWith(field, StringComparison.Ordinal))
                return long.Parse(line[field.Length..].Trim().Split(' ')[0]);
        throw new InvalidOperationException($"{field} not in /proc/{pid}/status");
    }

    /// <summary>Children of <paramref name="parent"/> that are zombies (dead, not reaped).</summary>
    public static List<int> ZombieChildren(int parent)
    {
        var result = new List<int>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out int pid)) continue;
            try
            {
                string stat = File.ReadAllText(Path.Combine(dir, "stat"));
                int close = stat.LastIndexOf(')');
                var fields = stat[(close + 2)..].Split(' ');
                if (fields[0] == "Z" && int.Parse(fields[1]) == parent) result.Add(pid);
            }
            catch (Exception e) when (e is IOException or FormatException or UnauthorizedAccessException)
            {
            }
        }
        return result;
    }
}
