using System.Management.Automation;
using PerpPS.Core.Protocol;

namespace PerpPS.Cmdlets;

/// <summary>Resume-PerpService: perpctl c (SIGCONT, clears the pause), waits until not Paused.</summary>
[Cmdlet(VerbsLifecycle.Resume, "PerpService", DefaultParameterSetName = InputObjectSet, SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(PerpService))]
public sealed class ResumePerpServiceCommand : PerpServiceActionCmdlet
{
    protected override string Action => "Resume";

    protected override PerpService? Act(PerpService service)
    {
        if (RefuseUnsupervised(service)) return null;
        if (!service.Paused) return service;
        if (!Send(service, ControlCommand.Continue)) return null;
        return Settle(service, s => !s.Paused, "resumed");
    }
}
