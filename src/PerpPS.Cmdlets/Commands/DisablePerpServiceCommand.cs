using System.Management.Automation;

namespace PerpPS.Cmdlets;

/// <summary>Disable-PerpService: clear the sticky bit and rescan, like perpctl X.</summary>
[Cmdlet(VerbsLifecycle.Disable, "PerpService", DefaultParameterSetName = InputObjectSet, SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(PerpService))]
public sealed class DisablePerpServiceCommand : ActivationCmdlet
{
    protected override string Action => "Disable";
    protected override bool Activate => false;
}
