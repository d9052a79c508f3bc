using System.Management.Automation;
using PerpPS.Core.Policy;
using PerpPS.Core.Protocol;

namespace PerpPS.Cmdlets;

/// <summary>
/// Start-PerpService of a service with dependencies starts them first, as Start-Service
/// does: every service it needs, directly or not, in start order (what they need first).
/// perpd itself holds each start until its dependencies are up and ready, so the cmdlet
/// sends the starts and waits only for the services it was asked to start. A service in a
/// dependency cycle, or one whose dependency cannot be started, is not started (an error
/// instead of a wait that can only time out).
/// </summary>
public sealed partial class StartPerpServiceCommand
{
    /// <summary>Dependencies this invocation started already (each is sent u once).</summary>
    private readonly HashSet<string> _dependenciesStarted = new(StringComparer.Ordinal);

    private bool StartDependencies(PerpService service)
    {
        var map = DependencyMap(service.Base);
        IReadOnlyList<string>? DependenciesOf(string n) => map.GetValueOrDefault(n);
        if (!map.ContainsKey(service.Name)) return true;
        if (DependencyGraph.CycleThrough(service.Name, DependenciesOf) is { } cycle)
        {
            WriteError(new ErrorRecord(new InvalidOperationException(
                    $"Perp service '{service.Name}' is in a dependency cycle ({string.Join(" -> ", cycle)}): perpd does not start it. Remove one of the dependencies (Set-PerpService -DependsOn)."),
                ErrorIds.DependencyCycle, ErrorCategory.InvalidOperation, service));
            return false;
        }
        var needed = new HashSet<string>(StringComparer.Ordinal);
        void Collect(string n)
        {
            foreach (string d in DependenciesOf(n) ?? [])
                if (needed.Add(d)) Collect(d);
        }
        Collect(service.Name);
        foreach (string name in DependencyGraph.StartOrder(needed, DependenciesOf, out _))
        {
            if (!_dependenciesStarted.Add(service.Base + "\0" + name)) continue;
            var dependency = ReadService(service.Base, name);
            if (dependency == null || RefuseUnsupervised(dependency))
            {
                WriteDependencyFailed(service, name);
                return false;
            }
            if (dependency.Status == PerpServiceStatus.Up) continue;
            WriteVerbose($"Starting '{name}', a dependency of '{service.Name}'.");
            if (!Send(dependency, dependency.Once ? ControlCommand.Once : ControlCommand.Up))
            {
                WriteDependencyFailed(service, name);
                return false;
            }
        }
        return true;
    }

    private void WriteDependencyFailed(PerpService service, string dependency) =>
        WriteError(new ErrorRecord(new InvalidOperationException(
                $"Perp service '{service.Name}' was not started: its dependency '{dependency}' cannot be started."),
            ErrorIds.DependencyFailed, ErrorCategory.InvalidOperation, service));
}
