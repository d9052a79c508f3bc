using PerpPS.Cmdlets.Engine;
using PerpPS.Core.Client;
using PerpPS.Core.Policy;

namespace PerpPS.Cmdlets;

/// <summary>
/// The dependency facts of a service object: RequiredServices (its dependencies file),
/// DependentServices (the services of the base whose file names it: every dependencies
/// file of the base), both read on first access from one <see cref="DependencyIndex"/> per
/// base and invocation, and, while it waits, which dependency it waits for and why (Core's
/// DependencyWait, perpd's rule applied to the files and the dependencies' status).
/// </summary>
public abstract partial class PerpCmdlet
{
    private readonly Dictionary<string, DependencyIndex> _dependencyIndexes = new(StringComparer.Ordinal);

    /// <summary>The base's dependencies files of this invocation (read when first needed, then shared).</summary>
    internal DependencyIndex Dependencies(string baseDirectory)
    {
        if (!_dependencyIndexes.TryGetValue(baseDirectory, out var index))
            _dependencyIndexes[baseDirectory] = index = new DependencyIndex(baseDirectory);
        return index;
    }

    /// <summary>Every service of the base that has dependencies, with them (read once per invocation per base).</summary>
    internal Dictionary<string, IReadOnlyList<string>> DependencyMap(string baseDirectory) => Dependencies(baseDirectory).Map;

    /// <summary>A dependencies file of the base changed: read them again when next needed.</summary>
    internal void ForgetDependencyMap(string baseDirectory) => _dependencyIndexes.Remove(baseDirectory);

    /// <summary>The services of the base that list <paramref name="name"/> as a dependency, sorted.</summary>
    internal string[] DependantsOf(string baseDirectory, string name) => Dependencies(baseDirectory).DependantsOf(name);

    /// <summary>Fills in RequiredServices, DependentServices and (while it waits) WaitingFor and WaitReason.</summary>
    internal void ApplyDependencies(PerpService service)
    {
        // Read on first access, from the files of this invocation's index (none read here).
        service.Dependencies = Dependencies(service.Base);
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
