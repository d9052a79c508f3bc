using System.Management.Automation;
using PerpPS.Core.Protocol;

namespace PerpPS.Cmdlets;

/// <summary>
/// Start-PerpService: perpctl u (o for a service flagged once, so it keeps running once),
/// then waits until main is Up (a once service: until it has started); a service with
/// readiness is Up only once ready. Its dependencies are started first. Starting a running
/// service is success.
/// </summary>
[Cmdlet(VerbsLifecycle.Start, "PerpService", DefaultParameterSetName = InputObjectSet, SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(PerpService))]
public sealed partial class StartPerpServiceCommand : PerpServiceActionCmdlet
{
    /// <summary>Start the logger too (perpctl U).</summary>
    [Parameter]
    public SwitchParameter IncludeLog { get; set; }

    protected override string Action => "Start";

    /// <summary>A run that ends before it is Up is reported at once (PerpServiceExited), with its exit.</summary>
    protected override bool FailsWhenRunEnds => true;

    protected override PerpService? Act(PerpService service)
    {
        if (RefuseUnsupervised(service)) return null;
        bool logUp = !IncludeLog || service.Log is null || service.Log.Status == PerpServiceStatus.Up;
        if (service.Status == PerpServiceStatus.Up && logUp) return service;
        // Its dependencies first, as Start-Service does: perpd holds this start until they are ready.
        if (!StartDependencies(service)) return null;
        var since = Tai64N.Now();
        if (IncludeLog && service.HasLog && !Send(service, ControlCommand.Up, CommandFlags.Log)) return null;
        bool once = service.Once;
        if (service.Status != PerpServiceStatus.Up && !Send(service, once ? ControlCommand.Once : ControlCommand.Up)) return null;
        return Settle(service,
            s => (s.Status == PerpServiceStatus.Up || StartedSince(s, since, once))
                 && (!IncludeLog || s.Log is null || s.Log.Status == PerpServiceStatus.Up),
            once ? "started" : "Up");
    }
}
