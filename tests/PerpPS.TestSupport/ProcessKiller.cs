using PerpPS.Core.Interop;

namespace PerpPS.TestSupport;

/// <summary>Stops processes a test started, by pid: never by name.</summary>
public static class ProcessKiller
{
    /// <summary>True while a process with this pid exists (and is not a zombie we can see).</summary>
    public static bool IsAlive(int pid)
    {
        if (pid <= 0) return false;
        if (Libc.Kill(pid, 0) != 0) return false;
        try
        {
            // A zombie still answers kill(0); /proc says 'Z'.
            string stat = File.ReadAllText($"/proc/{pid}/stat");
            int close = stat.LastIndexOf(')');
            return close < 0 || stat.Length <= close + 2 || stat[close + 2] != 'Z';
        }
        catch (IOException)
        {
            return false;
        }
    }

    /// <summary>SIGTERM, wait up to <paramref name="grace"/>, then SIGKILL.</summary>
    public static void Stop(int pid, TimeSpan grace)
    {
        if (!IsAlive(pid)) return;
        Libc.Kill(pid, 15);
        Libc.Kill(pid, 18);
        var deadline = DateTime.UtcNow + grace;
        while (IsAlive(pid) && DateTime.UtcNow < deadline) Thread.Sleep(20);
        if (IsAlive(pid)) Libc.Kill(pid, 9);
    }

    /// <summary>SIGKILL to every pid in the list that is still alive.</summary>
    public static void KillAll(IEnumerable<int> pids)
    {
        foreach (int pid in pids)
            if (IsAlive(pid)) Libc.Kill(pid, 9);
    }
}
