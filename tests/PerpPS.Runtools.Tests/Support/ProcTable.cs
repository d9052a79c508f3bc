using PerpPS.TestSupport;

namespace PerpPS.Runtools.Tests.Support;

/// <summary>Looking at processes through /proc.</summary>
public static class ProcTable
{
    /// <summary>Direct children of <paramref name="pid"/>; zombies only when asked for.</summary>
    public static List<int> ChildrenOf(int pid, bool includeZombies = false) => ProcStat.ChildrenOf(pid, includeZombies);

    /// <summary>All descendants of <paramref name="pid"/>.</summary>
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
                if (line.StartsWith("SigCgt:"))
                    return (Convert.ToUInt64(line[7..].Trim(), 16) & (1UL << (signal - 1))) != 0;
        }
        catch (IOException)
        {
        }
        return false;
    }
}
