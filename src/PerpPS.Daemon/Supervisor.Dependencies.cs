using System.Text;
using PerpPS.Core.Policy;
using PerpPS.Core.Protocol;

namespace PerpPS.Daemon;

/// <summary>
/// Policy beyond perp, part three: dependencies (file <c>dependencies</c>). A wanted start of
/// main waits until every dependency's main is up and ready; a cycle or a missing name keeps
/// it waiting with a log line and a reason in status. At deactivation and shutdown a service
/// waits for its dependants that are being deactivated too to stop first (not in a cycle).
/// </summary>
internal sealed partial class Supervisor
{
    /// <summary>Services whose wanted start waits for a dependency.</summary>
    private readonly List<Service> _waiting = new();
    /// <summary>Services whose deactivation waits for dependants to stop.</summary>
    private readonly List<Service> _deferredCulls = new();

    private static string NameOf(Service svc) => Encoding.UTF8.GetString(svc.Name);

    private Service? ByName(string name)
    {
        byte[] b = Encoding.UTF8.GetBytes(name);
        var key = b.AsSpan(0, Math.Min(b.Length, Service.MaxNameBytes));
        foreach (var s in _table.All)
            if (!s.Removed && s.Name.AsSpan().SequenceEqual(key)) return s;
        return null;
    }

    private IReadOnlyList<string>? DependenciesOf(string name) => ByName(name)?.Policy.Policy.Dependencies;

    /// <summary>True when every dependency of <paramref name="svc"/> is up and ready; otherwise records what it waits for.</summary>
    private bool DependenciesReady(Service svc)
    {
        var p = svc.Policy;
        var deps = p.Policy.Dependencies;
        if (deps.Count == 0)
        {
            SetWait(svc, null, null);
            return true;
        }
        string self = NameOf(svc);
        if (DependencyGraph.CycleThrough(self, DependenciesOf) is { } cycle)
        {
            SetWait(svc, cycle[1], "dependency cycle: " + string.Join(" -> ", cycle) + "; not starting it");
            return false;
        }
        foreach (string d in deps)
        {
            var dep = ByName(d);
            if (dep is null && Scanning)
            {
                SetWait(svc, d, null); // it may be activated later in this scan: judged when the scan is done
                return false;
            }
            if (dep is null)
            {
                SetWait(svc, d, "dependency " + d + " is not an active service; waiting for it");
                return false;
            }
            if (!dep.Main.IsRunning || dep.Main.IsResetting || !dep.Policy.Ready)
            {
                SetWait(svc, d, null);
                return false;
            }
        }
        SetWait(svc, null, null);
        return true;
    }

    private void SetWait(Service svc, string? waitingFor, string? problem)
    {
        var p = svc.Policy;
        if (problem != null && problem != p.DependencyProblem)
            _log.Warning().Add("service ").Add(svc.Name).Add(": ").Add(problem).Line();
        else if (problem == null && waitingFor != null && waitingFor != p.WaitingFor)
            _log.Info().Add("service ").Add(svc.Name).Add(" waits for dependency ").Add(waitingFor).Line();
        p.DependencyProblem = problem;
        p.WaitingFor = waitingFor;
    }

    /// <summary>Something became ready or appeared: start the waiting services whose dependencies now are.</summary>
    private void StartWaitingDependants()
    {
        if (_waiting.Count == 0) return;
        foreach (var svc in _waiting.ToArray())
        {
            if (svc.Removed || !svc.Policy.WaitingDependencies || svc.IsCulling || svc.Main.Has(SubserviceFlags.WantDown))
            {
                svc.Policy.WaitingDependencies = false;
                _waiting.Remove(svc);
                continue;
            }
            if (!DependenciesReady(svc)) continue;
            svc.Policy.WaitingDependencies = false;
            _waiting.Remove(svc);
            RequestStart(svc.Main);
        }
    }

    /// <summary>A scan activated services: a missing dependency may have appeared.</summary>
    public void ScanDone()
    {
        Scanning = false;
        StartWaitingDependants();
    }

    /// <summary>True while a scan activates services (a missing dependency may still come).</summary>
    public bool Scanning { get; set; }

    private static void CancelWait(Service svc)
    {
        svc.Policy.WaitingDependencies = false;
        svc.Policy.WaitingFor = null;
    }

    /// <summary>Deactivates several services, dependants first.</summary>
    public void CullInOrder(List<Service> services)
    {
        if (services.Count > 1)
        {
            var byName = new Dictionary<string, Service>(StringComparer.Ordinal);
            foreach (var s in services) byName.TryAdd(NameOf(s), s);
            var order = DependencyGraph.StopOrder(byName.Keys, DependenciesOf);
            // The stop order, then whatever it does not name, each service once. Loops, not
            // LINQ: Select over a List is a generic virtual call, and resolving one at run time
            // links Native AOT's type loader (~90 KiB of perpd's image).
            var seen = new HashSet<Service>();
            var ordered = new List<Service>(services.Count);
            foreach (string n in order)
                if (seen.Add(byName[n])) ordered.Add(byName[n]);
            foreach (var s in services)
                if ((!byName.ContainsValue(s) || !order.Contains(NameOf(s))) && seen.Add(s)) ordered.Add(s);
            services = ordered;
        }
        foreach (var s in services)
            if (!s.Removed && !s.IsCulling) Cull(s);
    }

    /// <summary>True when <paramref name="svc"/> must wait for a dependant being deactivated to stop first.</summary>
    private bool HasStoppingDependants(Service svc)
    {
        string self = NameOf(svc);
        bool? inCycle = null;
        foreach (var other in _table.All)
        {
            if (other == svc || other.Removed || !other.IsCulling || !other.AnythingRunning) continue;
            if (!other.Policy.Policy.Dependencies.Contains(self)) continue;
            inCycle ??= DependencyGraph.CycleThrough(self, DependenciesOf) != null;
            if (inCycle == true) return false; // a cycle has no order: stop together, never hang
            return true;
        }
        return false;
    }

    /// <summary>A service left the table: deactivations waiting for it may proceed.</summary>
    private void ResumeDeferredCulls()
    {
        if (_deferredCulls.Count == 0) return;
        foreach (var svc in _deferredCulls.ToArray())
        {
            if (svc.Removed)
            {
                _deferredCulls.Remove(svc);
                continue;
            }
            if (HasStoppingDependants(svc)) continue;
            _deferredCulls.Remove(svc);
            svc.Policy.CullDeferred = false;
            CullNow(svc);
        }
    }
}
