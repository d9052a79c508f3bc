using PerpPS.Core.Policy;

namespace PerpPS.Cmdlets.Engine;

/// <summary>
/// The <c>dependencies</c> files of one base, read when first needed and then shared by the
/// cmdlet and every service object of one invocation (as .NET's
/// ServiceController.DependentServices, read on first access): a plain Get-PerpService reads
/// none of them, so listing one service of 10,000 does not open 10,000 files. The whole map
/// (<see cref="Map"/>, <see cref="DependantsOf"/>) is read once, with the dependants of every
/// service indexed in the same pass; a service's own list (<see cref="RequiredOf"/>) comes
/// from the map when it is read, else from that service's file alone. Thread-safe: objects may
/// be read from other runspaces (ForEach-Object -Parallel).
/// </summary>
internal sealed class DependencyIndex(string baseDirectory)
{
    private readonly object _lock = new();
    private Dictionary<string, IReadOnlyList<string>>? _map;
    private Dictionary<string, string[]>? _dependants;

    /// <summary>The base whose files these are.</summary>
    public string Base { get; } = baseDirectory;

    /// <summary>Every service of the base that has dependencies, with them (read at the first call).</summary>
    public Dictionary<string, IReadOnlyList<string>> Map
    {
        get
        {
            lock (_lock) return _map ??= Read(Base);
        }
    }

    /// <summary>The names in the service's dependencies file, in order (empty when it has none).</summary>
    public string[] RequiredOf(string name)
    {
        Dictionary<string, IReadOnlyList<string>>? map;
        lock (_lock) map = _map;
        var deps = map != null ? map.GetValueOrDefault(name) : DependencyWait.Read(Base, name);
        return deps is { Count: > 0 } ? [.. deps] : [];
    }

    /// <summary>The services of the base that list <paramref name="name"/> as a dependency (not itself), sorted byte-wise.</summary>
    public string[] DependantsOf(string name)
    {
        lock (_lock)
        {
            _dependants ??= Invert(_map ??= Read(Base));
            return _dependants.TryGetValue(name, out var d) ? [.. d] : [];
        }
    }

    /// <summary>
    /// Every entry of the base not starting with '.', its dependencies file tried: an entry
    /// that is no directory has none (the open fails), so no stat of each entry is needed.
    /// </summary>
    private static Dictionary<string, IReadOnlyList<string>> Read(string baseDirectory)
    {
        var map = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        IEnumerable<string> entries;
        try
        {
            entries = Directory.EnumerateFileSystemEntries(baseDirectory);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return map;
        }
        foreach (string entry in entries)
        {
            string name = System.IO.Path.GetFileName(entry);
            if (name.Length == 0 || name[0] == '.') continue;
            if (DependencyWait.Read(baseDirectory, name) is { Count: > 0 } deps) map[name] = deps;
        }
        return map;
    }

    /// <summary>Dependency → its dependants (each once, itself left out), each list sorted as Core's DependencyGraph.DependantsOf then sorted.</summary>
    private static Dictionary<string, string[]> Invert(Dictionary<string, IReadOnlyList<string>> map)
    {
        var lists = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var (service, deps) in map)
            foreach (string d in deps.Distinct(StringComparer.Ordinal))
            {
                if (d == service) continue;
                if (!lists.TryGetValue(d, out var list)) lists[d] = list = [];
                list.Add(service);
            }
        var result = new Dictionary<string, string[]>(lists.Count, StringComparer.Ordinal);
        foreach (var (d, list) in lists)
        {
            list.Sort(StringComparer.Ordinal);
            result[d] = [.. list];
        }
        return result;
    }
}
