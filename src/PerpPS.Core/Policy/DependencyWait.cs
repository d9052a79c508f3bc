using PerpPS.Core.Client;
using PerpPS.Core.Posix;
using PerpPS.Core.Protocol;

namespace PerpPS.Core.Policy;

/// <summary>
/// Which dependency a service waits for, found by a client from the same facts perpd judges
/// by: the <c>dependencies</c> files of the base and each dependency's status. perpd sets
/// <see cref="PolicyFlags.WaitingForDependency"/> and logs the name; the record carries no
/// name (perp's clients stay byte-identical and the x packet keeps its size), so perpstat and
/// the module ask here, and only when that flag is set. The rule is perpd's
/// (Supervisor.DependenciesReady): a cycle through the service first, else the first listed
/// dependency that is not an active service, or not up and ready.
/// </summary>
public static class DependencyWait
{
    /// <summary>
    /// What <paramref name="name"/> in <paramref name="baseDirectory"/> waits for, or null when
    /// every dependency is up and ready (perpd is about to start it) or it has none.
    /// <paramref name="query"/> asks perpd for one service's status.
    /// </summary>
    public static DependencyWaitReason? Find(string baseDirectory, string name, Func<ServiceId, ExtendedReply> query)
    {
        var files = new Dictionary<string, IReadOnlyList<string>?>(StringComparer.Ordinal);
        IReadOnlyList<string>? DependenciesOf(string n)
        {
            if (!files.TryGetValue(n, out var deps)) files[n] = deps = Read(baseDirectory, n);
            return deps;
        }
        var own = DependenciesOf(name);
        if (own is not { Count: > 0 }) return null;
        if (DependencyGraph.CycleThrough(name, DependenciesOf) is { } cycle)
            return new DependencyWaitReason(cycle[1], DependencyWaitKind.Cycle, cycle);
        foreach (string d in own)
        {
            var kind = StateOf(baseDirectory, d, query);
            if (kind != null) return new DependencyWaitReason(d, kind.Value, null);
        }
        return null;
    }

    /// <summary>The names in a service directory's <c>dependencies</c> file; null when it has none or it cannot be read.</summary>
    public static IReadOnlyList<string>? Read(string baseDirectory, string name)
    {
        string path = Path.Combine(baseDirectory, name, ServicePolicy.DependenciesFile);
        try
        {
            var info = new FileInfo(path);
            if (!info.Exists || info.Length > ServicePolicy.MaxFileBytes) return null;
            return ServicePolicy.ParseDependencies(File.ReadAllBytes(path), new List<PolicyError>());
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>Why a dependency holds its dependant back, or null when it is up and ready.</summary>
    private static DependencyWaitKind? StateOf(string baseDirectory, string dependency, Func<ServiceId, ExtendedReply> query)
    {
        if (FileStatus.TryStat(Path.Combine(baseDirectory, dependency), out var stat) != 0 || !stat.IsDirectory)
            return DependencyWaitKind.NotActive;
        var reply = query(stat.Id);
        if (reply.Kind != ReplyKind.Status) return DependencyWaitKind.NotActive;
        return IsUpAndReady(reply.Status) ? null : DependencyWaitKind.NotReady;
    }

    /// <summary>Main runs its start target and perpd calls it ready: what a dependant waits for.</summary>
    public static bool IsUpAndReady(ExtendedStatus status)
    {
        var main = status.Status.Main;
        if (main.Pid == 0 || main.IsResetting) return false;
        // perpd without the policy figures has no readiness: its Up rule (half a second) is all there is.
        if ((status.Main.Present & ExtensionFields.Policy) == 0) return true;
        return (status.Main.Policy & PolicyFlags.Ready) != 0;
    }
}

/// <summary>Why a service's start waits for <see cref="DependencyWaitReason.Dependency"/>.</summary>
public enum DependencyWaitKind
{
    /// <summary>The dependency runs but is not ready yet, or is not running.</summary>
    NotReady,
    /// <summary>No active service of that name (perpd waits for one to appear).</summary>
    NotActive,
    /// <summary>The service is in a dependency cycle: perpd does not start it.</summary>
    Cycle,
}

/// <summary>What a service waits for, and why; <see cref="Cycle"/> is the path (a, …, a) of a cycle.</summary>
public sealed record DependencyWaitReason(string Dependency, DependencyWaitKind Kind, IReadOnlyList<string>? Cycle)
{
    /// <summary>"store", "store (not an active service)" or "dependency cycle: a -> b -> a".</summary>
    public override string ToString() => Kind switch
    {
        DependencyWaitKind.Cycle => "dependency cycle: " + string.Join(" -> ", Cycle ?? []),
        DependencyWaitKind.NotActive => Dependency + " (not an active service)",
        _ => Dependency,
    };
}
