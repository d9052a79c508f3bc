using System.Management.Automation;
using PerpPS.Core.Protocol;

namespace PerpPS.Cmdlets;

/// <summary>Suspend-PerpService: perpctl p (SIGSTOP, remembered by perpd), waits until Paused.</summary>
[Cmdlet(VerbsLifecycle.Suspend, "PerpService", DefaultParameterSetName = InputObjectSet, SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(PerpService))]
public sealed class SuspendPerpServiceCommand : PerpServiceActionCmdlet
{
    protected override string Action => "Suspend";

    protected override PerpService? Act(PerpService service)
    {
        if (RefuseUnsupervised(service)) return null;
        if (service.Status == PerpServiceStatus.Paused) return service;
        // perpd silently ignores p for a process that is not running its start: say so.
        if (service.Status != PerpServiceStatus.Up)
        {
            WriteServiceError(new InvalidOperationException($"Perp service '{service.Name}' cannot be suspended: it is {service.Status}."),
                ErrorIds.ServiceNotRunning, ErrorCategory.InvalidOperation, service);
            return null;
        }
        if (!Send(service, ControlCommand.Pause)) return null;
        return Settle(service, s => s.Paused || s.Pid == 0, "Paused");
    }
}
