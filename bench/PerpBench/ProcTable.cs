namespace PerpBench;

/// <summary>
/// A snapshot of /proc: pid → (ppid, comm). Enough to find a supervisor's whole tree
/// (runsvdir + every runsv, s6-svscan + every s6-supervise, svscan + every supervise) and
/// the services under it, without trusting names alone.
/// </summary>
public sealed class ProcTable
{
    private readonly Dictionary<int, (int Parent, string Comm)> _procs = new();

    public static ProcTable Read()
    {
        var table = new ProcTable();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out int pid)) continue;
            try
            {
                string stat = File.ReadAllText(Path.Combine(dir, "stat"));
                int open = stat.IndexOf('('), close = stat.LastIndexOf(')');
                string comm = stat[(open + 1)..close];
                var fields = stat[(close + 2)..].Split(' ');
                table._procs[pid] = (int.Parse(fields[1]), comm);
            }
            catch (Exception e) when (e is IOException or FormatException or UnauthorizedAccessException or ArgumentException)
            {
                // Gone while we looked.
            }
        }
        return table;
    }

    public string? Comm(int pid) => _procs.TryGetValue(pid, out var p) ? p.Comm : null;

    public List<int> Children(int parent)
    {
        var list = new List<int>();
        foreach (var (pid, p) in _procs)
            if (p.Parent == parent) list.Add(pid);
        return list;
    }

    /// <summary><paramref name="root"/> and every process below it.</summary>
    public List<int> Tree(int root)
    {
        var result = new List<int>();
        if (!_procs.ContainsKey(root)) return result;
        var byParent = new Dictionary<int, List<int>>();
        foreach (var (pid, p) in _procs)
        {
            if (!byParent.TryGetValue(p.Parent, out var l)) byParent[p.Parent] = l = new List<int>();
            l.Add(pid);
        }
        var queue = new Queue<int>();
        queue.Enqueue(root);
        while (queue.Count > 0)
        {
            int pid = queue.Dequeue();
            result.Add(pid);
            if (byParent.TryGetValue(pid, out var kids))
                foreach (int k in kids) queue.Enqueue(k);
        }
        return result;
    }

    /// <summary>
    /// The supervisor processes of a tree: the root plus its direct children that are
    /// per-service supervisors (runsv, s6-supervise, supervise). perpd supervises alone.
    /// </summary>
    public List<int> Supervisors(int root)
    {
        var result = new List<int> { root };
        foreach (int kid in Children(root))
            if (Comm(kid) is "runsv" or "s6-supervise" or "supervise") result.Add(kid);
        return result;
    }
}
