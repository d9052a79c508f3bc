namespace PerpPS.TestSupport;

/// <summary>
/// The process table as /proc/PID/stat gives it: pid, state letter, parent and session of every
/// process that still exists when it is read (one that ends mid-scan is skipped).
/// </summary>
public static class ProcStat
{
    public readonly record struct Entry(int Pid, char State, int Parent, int Session);

    public static List<Entry> All()
    {
        var result = new List<Entry>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out int pid)) continue;
            try
            {
                // The command name may hold spaces and parentheses: fields start after the last ')'.
                string stat = File.ReadAllText(Path.Combine(dir, "stat"));
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                result.Add(new Entry(pid, fields[0][0], int.Parse(fields[1]), int.Parse(fields[3])));
            }
            catch (Exception e) when (e is IOException or FormatException or UnauthorizedAccessException)
            {
            }
        }
        return result;
    }

    /// <summary>Children of <paramref name="parent"/>, zombies included unless told otherwise.</summary>
    public static List<int> ChildrenOf(int parent, bool includeZombies = true)
    {
        var result = new List<int>();
        foreach (var e in All())
            if (e.Parent == parent && (includeZombies || e.State != 'Z')) result.Add(e.Pid);
        return result;
    }
}
