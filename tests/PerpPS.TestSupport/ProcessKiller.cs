using PerpPS.Core.Interop;
using PerpPS.Core.Posix;

namespace PerpPS.TestSupport;

/// <summary>Stops processes a test started, by pid: never by name.</summary>
public static class ProcessKiller
{
    /// <summary>True while a process with this pid exists and is not a zombie (Core's rule).</summary>
    public static bool IsAlive(int pid) => ProcStat.IsAlive(pid);

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
