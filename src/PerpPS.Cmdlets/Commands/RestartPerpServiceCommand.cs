using System.Management.Automation;
using PerpPS.Core.Protocol;

namespace PerpPS.Cmdlets;

/// <summary>
/// Restart-PerpService: perpctl d then u. perpd runs the reset of the old process and then
/// starts a new one, because the u cleared the want-down flag; a stopped service is simply
/// started. A service flagged once stays flagged: perpd turns ONCE into want-down when its
/// process ends (spec §3.4), so an o sent beside the d would leave it down; instead the
/// old run is stopped and waited for, then o starts the new run once. Waits until a run that
/// began after the command is Up (a once service: has started).
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
        if (once && service.Pid != 0 &&
            WaitFor(service, s => s.Record is { } r && r.Main.Pid == 0, "stopped before its once restart", Timeout) == null)
            return null;
        if (!Send(service, once ? ControlCommand.Once : ControlCommand.Up)) return null;
        return Settle(service, s => StartedSince(s, since, once), once ? "restarted" : "Up again");
    }
}
