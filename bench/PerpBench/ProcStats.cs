namespace PerpBench;

/// <summary>What one process costs: resident and proportional memory, threads, fds, context switches.</summary>
public readonly record struct ProcStats(long RssKb, long PssKb, int Threads, int Fds, long ContextSwitches)
{
    public static ProcStats Read(int pid)
    {
        long rss = 0, pss = 0;
        try
        {
            foreach (string line in File.ReadLines($"/proc/{pid}/smaps_rollup"))
            {
                if (line.StartsWith("Rss:", StringComparison.Ordinal)) rss = Kb(line);
                else if (line.StartsWith("Pss:", StringComparison.Ordinal)) pss = Kb(line);
            }
        }
        catch (IOException) { }
        int threads = 0, fds = 0;
        long switches = 0;
        try
        {
            foreach (var task in Directory.EnumerateDirectories($"/proc/{pid}/task"))
            {
                threads++;
                switches += TaskSwitches(task);
            }
            fds = Directory.EnumerateFileSystemEntries($"/proc/{pid}/fd").Count();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
        return new ProcStats(rss, pss, threads, fds, switches);
    }

    /// <summary>Voluntary plus involuntary context switches of one thread: every wakeup counts once.</summary>
    private static long TaskSwitches(string taskDir)
    {
        long n = 0;
        try
        {
            foreach (string line in File.ReadLines(Path.Combine(taskDir, "status")))
                if (line.StartsWith("voluntary_ctxt_switches:", StringComparison.Ordinal)
                    || line.StartsWith("nonvoluntary_ctxt_switches:", StringComparison.Ordinal))
                    n += long.Parse(line[(line.IndexOf(':') + 1)..].Trim());
        }
        catch (IOException) { }
        return n;
    }

    private static long Kb(string line) =>
        long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]);

    public static ProcStats Sum(IEnumerable<int> pids)
    {
        long rss = 0, pss = 0, sw = 0;
        int th = 0, fds = 0;
        foreach (int pid in pids)
        {
            var s = Read(pid);
            rss += s.RssKb; pss += s.PssKb; th += s.Threads; fds += s.Fds; sw += s.ContextSwitches;
        }
        return new ProcStats(rss, pss, th, fds, sw);
    }
}
