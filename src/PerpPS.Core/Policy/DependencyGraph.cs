namespace PerpPS.Core.Policy;

/// <summary>
/// The dependency graph of a base's services (files <c>dependencies</c>): cycles, start order
/// (what a service needs first) and stop order (dependants first). Names are directory names;
/// <c>dependenciesOf</c> returns null for a name that is not a service.
/// </summary>
public static class DependencyGraph
{
    /// <summary>
    /// A cycle through <paramref name="start"/> as a path (start, …, start), or null when
    /// <paramref name="start"/> is in none. Cycles elsewhere in the graph are not its business.
    /// </summary>
    public static IReadOnlyList<string>? CycleThrough(string start, Func<string, IReadOnlyList<string>?> dependenciesOf)
    {
        var path = new List<string> { start };
        var done = new HashSet<string>(StringComparer.Ordinal);
        return Search(start) ? path : null;

        bool Search(string node)
        {
            foreach (string d in dependenciesOf(node) ?? [])
            {
                if (d == start)
                {
                    path.Add(d);
                    return true;
                }
                if (!done.Add(d)) continue;
                path.Add(d);
                if (Search(d)) return true;
                path.RemoveAt(path.Count - 1);
            }
            return false;
        }
    }

    /// <summary>
    /// Start order of <paramref name="names"/>: each after its dependencies (those among the
    /// names). Members of a cycle come last, in the given order, and are listed in <paramref name="cyclic"/>.
    /// </summary>
    public static List<string> StartOrder(IEnumerable<string> names, Func<string, IReadOnlyList<string>?> dependenciesOf,
        out List<string> cyclic)
    {
        var all = names.ToList();
        var set = new HashSet<string>(all, StringComparer.Ordinal);
        var state = new Dictionary<string, int>(StringComparer.Ordinal); // 1 visiting, 2 done
        var order = new List<string>();
        var inCycle = new HashSet<string>(StringComparer.Ordinal);
        foreach (string n in all) Visit(n, new List<string>());
        cyclic = all.Where(inCycle.Contains).ToList();
        order.RemoveAll(inCycle.Contains);
        order.AddRange(cyclic);
        return order;

        void Visit(string n, List<string> stack)
        {
            if (state.TryGetValue(n, out int s))
            {
                if (s == 1)
                    for (int i = stack.LastIndexOf(n); i >= 0 && i < stack.Count; i++) inCycle.Add(stack[i]);
                return;
            }
            state[n] = 1;
            stack.Add(n);
            foreach (string d in dependenciesOf(n) ?? [])
                if (set.Contains(d)) Visit(d, stack);
            stack.RemoveAt(stack.Count - 1);
            state[n] = 2;
            order.Add(n);
        }
    }

    /// <summary>Stop order: dependants before what they depend on (the start order reversed).</summary>
    public static List<string> StopOrder(IEnumerable<string> names, Func<string, IReadOnlyList<string>?> dependenciesOf)
    {
        var order = StartOrder(names, dependenciesOf, out _);
        order.Reverse();
        return order;
    }

    /// <summary>The services among <paramref name="names"/> that list <paramref name="name"/> as a dependency.</summary>
    public static List<string> DependantsOf(string name, IEnumerable<string> names, Func<string, IReadOnlyList<string>?> dependenciesOf) =>
        names.Where(n => n != name && (dependenciesOf(n) ?? []).Contains(name)).ToList();
}
