using PerpPS.Cmdlets.Engine;
using PerpPS.Core.Client;
using PerpPS.Core.Policy;

namespace PerpPS.Cmdlets;

/// <summary>
/// The dependency facts of a service object: RequiredServices (its dependencies file),
/// DependentServices (the services of the base whose file names it: every dependencies
/// file of the base, read once per invocation) and, while it waits, which dependency it
/// waits for and why (Core's DependencyWait, perpd's rule applied to the files and the
/// dependencies' status).
/// </summary>
public abstract partial class PerpCmdlet
{
    private readonly Dictionary<string, Dictionary<string, IReadOnlyList<string>>> _dependencyMaps = new(StringComparer.Ordinal);

    /// <summary>Every service of the base that has dependencies, with them (read once per invocation per base).</summary>
    internal Dictionary<string, IReadOnlyList<string>> DependencyMap(string baseDirectory)
    {
        if (_dependencyMaps.TryGetValue(baseDirectory, out var map)) return map;
        map = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        foreach (string name in ServiceCatalog.Names(baseDirectory))
            if (DependencyWait.Read(baseDirectory, name) is { Count: > 0 } deps) map[name] = deps;
        _dependencyMaps[baseDirectory] = map;
        return map;
    }

    /// <summary>A dependencies file of the base changed: read them again when next needed.</summary>
    internal void ForgetDependencyMap(string baseDirectory) => _dependencyMaps.Remove(baseDirectory);

    /// <summary>The services of the base that list <paramref name="name"/> as a dependency, sorted.</summary>
    internal List<string> DependantsOf(string baseDirectory, string name) =>
        DependencyGraph.DependantsOf(name, DependencyMap(baseDirectory).Keys, n => DependencyMap(baseDirectory).GetValueOrDefault(n))
            .Order(StringComparer.Ordinal).ToList();

    /// <summary>Fills in RequiredServices, DependentServices and (while it waits) WaitingFor and WaitReason.</summary>
    internal void ApplyDependencies(PerpService service)
    {
        // From the map (read once per invocation), not a second read of the file per service.
        service.RequiredServices = DependencyMap(service.Base).GetValueOrDefault(service.Name)?.ToArray() ?? [];
        service.DependentServices = DependantsOf(service.Base, service.Name).ToArray();
        service.WaitingFor = service.WaitReason = null;
        if (service.Status != PerpServiceStatus.WaitingForDependency) return;
        try
        {
            var connection = Connection(service.Base);
            if (DependencyWait.Find(service.Base, service.Name, connection.QueryExtended) is { } reason)
            {
                service.WaitingFor = reason.Dependency;
                service.WaitReason = reason.ToString();
            }
        }
        catch (ControlException)
        {
            // The status of a dependency could not be read: the service still shows as waiting.
        }
    }

    /// <summary>The status for a message: "WaitingForDependency (store (not an active service))" names what it waits for.</summary>
    internal static string StatusText(PerpService service) =>
        service.WaitReason is { } why ? $"{service.Status} ({why})" : service.Status.ToString();
}
