using System.Management.Automation;
using PerpPS.Core.Protocol;

namespace PerpPS.Cmdlets;

/// <summary>
/// Restart-PerpService: perpctl d then u (o for a once service). perpd runs the reset of the
/// old process and then starts a new one, because the u cleared the want-down flag; a
/// stopped service is simply started. Waits until a run that began after the command is Up.
/// </summary>
[Cmdlet(VerbsLifecycle.Restart, "PerpService", DefaultParameterSetName = InputObjectSet, SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(PerpService))]
public sealed class RestartPerpServiceCommand : PerpServiceActionCmdlet
{
    protected override string Action => "Restart";

    /// <summary>A run that ends before it is Up is reported at once (PerpServiceExited), with its exit.</summary>
    protected override bool FailsWhenRunEnds => true;

    protected override PerpService? Act(PerpService service)
    {
        if (RefuseUnsupervised(service)) return null;
        var since = Tai64N.Now();
        bool once = service.Once;
        if (service.Pid != 0 && !Send(service, ControlCommand.Down)) return null;
        if (!Send(service, once ? ControlCommand.Once : ControlCommand.Up)) return null;
        return Settle(service, s => StartedSince(s, since, once), once ? "restarted" : "Up again");
    }
}
