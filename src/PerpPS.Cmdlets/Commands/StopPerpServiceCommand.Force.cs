using System.Management.Automation;
using PerpPS.Core.Interop;
using PerpPS.Core.Policy;
using PerpPS.Core.Posix;
using PerpPS.Core.Protocol;

namespace PerpPS.Cmdlets;

/// <summary>
/// Stop-PerpService and dependants, as Stop-Service: a service that running services depend
/// on (they want up) is refused with PerpServiceHasDependents; -Force stops them first,
/// dependants before what they depend on, each waited for until Down. -Force also escalates
/// a stop that outlives -Timeout: SIGKILL to main (perpctl k) and to its process group.
/// </summary>
public sealed partial class StopPerpServiceCommand
{
    /// <summary>Stops the services that depend on it first, and sends SIGKILL to the process group of a service still running after -Timeout.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    /// <summary>Down, or Failed (down after perpd gave up on it).</summary>
    private static bool IsDown(PerpService s) => s.Status is PerpServiceStatus.Down or PerpServiceStatus.Failed;

    /// <summary>A dependant that counts: supervised and wanting up (one already told to stop does not).</summary>
    private static bool Running(PerpService s) =>
        s.Record != null && !s.WantDown && s.Status is not (PerpServiceStatus.Deactivating or PerpServiceStatus.Reactivating);

    /// <summary>
    /// Refuses (false) with running dependants unless -Force; with -Force stops them. Either
    /// way every dependant still stopping is waited for (in stop order) before this one stops.
    /// </summary>
    private bool StopDependants(PerpService service)
    {
        var map = DependencyMap(service.Base);
        IReadOnlyList<string>? DependenciesOf(string n) => map.GetValueOrDefault(n);
        var direct = DependantsOf(service.Base, service.Name)
            .Select(n => ReadServiceQuietly(service.Base, n)).OfType<PerpService>().Where(Running).ToList();
        if (direct.Count > 0 && !Force)
        {
            string names = string.Join("', '", direct.Select(d => d.Name));
            WriteError(new ErrorRecord(new InvalidOperationException(
                    $"Cannot stop Perp service '{service.Name}' because running services depend on it: '{names}'. Stop them first, or use -Force to stop them too."),
                ErrorIds.HasDependents, ErrorCategory.InvalidOperation, service));
            return false;
        }
        // Every dependant, directly or not, dependants first.
        var all = new HashSet<string>(StringComparer.Ordinal);
        void Collect(string n)
        {
            foreach (string d in DependantsOf(service.Base, n))
                if (d != service.Name && all.Add(d)) Collect(d);
        }
        Collect(service.Name);
        foreach (string name in DependencyGraph.StopOrder(all, DependenciesOf))
        {
            var dependant = ReadServiceQuietly(service.Base, name);
            if (dependant == null || dependant.Record == null || IsDown(dependant)) continue;
            if (!dependant.WantDown)
            {
                if (!Force) continue; // not a direct dependant: it does not hold this stop
                WriteVerbose($"Stopping '{name}', which depends on '{service.Name}'.");
                if (!Send(dependant, ControlCommand.Down)) return false;
            }
            if (NoWait) continue;
            if (WaitFor(dependant, IsDown, $"Down before '{service.Name}' stops", Timeout, onTimeout: Force ? KillGroup : null) == null) return false;
        }
        return true;
    }

    /// <summary>A service of the base, or null without an error (a dependant that vanished is no dependant).</summary>
    private PerpService? ReadServiceQuietly(string baseDirectory, string name) =>
        Refresh(new PerpService { Name = name, Base = baseDirectory });

    /// <summary>
    /// The -Force escalation at the timeout: SIGKILL to main through perpd (perpctl k, allowed
    /// to whoever may control the service) and to its whole process group, so nothing of it
    /// survives; the wait then goes on until perpd has reaped it and run its reset.
    /// </summary>
    private bool KillGroup(PerpService s)
    {
        if (s.Pid == 0) return false;
        int group = s.Extended is { HasExtension: true } x && x.Main.ProcessGroup != 0 ? (int)x.Main.ProcessGroup : s.Pid;
        WriteWarning($"Perp service '{s.Name}' did not stop within {Timeout} seconds: sending SIGKILL to its process group {group}.");
        bool sent = Send(s, ControlCommand.Kill);
        // The group may hold children that outlive main; ESRCH (all gone already) is fine.
        if (Libc.Kill(-group, SignalNames.SIGKILL) == 0) sent = true;
        return sent;
    }
}
