using System.Management.Automation;
using PerpPS.Core.Protocol;

namespace PerpPS.Cmdlets;

/// <summary>
/// Stop-PerpService: perpctl d (SIGTERM then SIGCONT, no restart), then waits until main is
/// Down (its reset has finished). Stopping a stopped or unsupervised service is success.
/// A service that running services depend on is refused (PerpServiceHasDependents) unless
/// -Force, which stops them first and sends SIGKILL to a group that outlives -Timeout.
/// </summary>
[Cmdlet(VerbsLifecycle.Stop, "PerpService", DefaultParameterSetName = InputObjectSet, SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(PerpService))]
public sealed partial class StopPerpServiceCommand : PerpServiceActionCmdlet
{
    /// <summary>Stop the logger too, after main (perpctl D).</summary>
    [Parameter]
    public SwitchParameter IncludeLog { get; set; }

    protected override string Action => "Stop";

    protected override PerpService? Act(PerpService service)
    {
        // Nothing of an unsupervised (or departing) service runs on perpd's behalf.
        if (service.Record == null || service.Status is PerpServiceStatus.Deactivating or PerpServiceStatus.Reactivating)
            return service;
        bool logDown = !IncludeLog || service.Log is null || service.Log.Status == PerpServiceStatus.Down;
        if (IsDown(service) && logDown) return service;
        if (!StopDependants(service)) return null;
        if (!Send(service, ControlCommand.Down)) return null;
        if (IncludeLog && service.HasLog && !Send(service, ControlCommand.Down, CommandFlags.Log)) return null;
        return Settle(service,
            s => IsDown(s) && (!IncludeLog || s.Log is null || s.Log.Status == PerpServiceStatus.Down),
            "Down", Force ? KillGroup : null);
    }
}
