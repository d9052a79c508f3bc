namespace PerpPS.Runtools.Tests.Support;

/// <summary>Looking at processes through /proc.</summary>
public static class ProcTable
{
    /// <summary>Direct children of <paramref name="pid"/>.</summary>
    public static List<int> ChildrenOf(int pid)
    {
        var list = new List<int>();
        foreach (string dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out int p)) continue;
            try
            {
                string stat = File.ReadAllText(Path.Combine(dir, "stat"));
                var f = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                if (f[1] == pid.ToString() && f[0] != "Z") list.Add(p);
            }
            catch (IOException)
            {
            }
        }
        return list;
    }

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
}
