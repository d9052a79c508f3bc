using System.Management.Automation;

namespace PerpPS.Cmdlets;

/// <summary>Enable-PerpService: set the sticky bit and rescan, like perpctl A.</summary>
[Cmdlet(VerbsLifecycle.Enable, "PerpService", DefaultParameterSetName = InputObjectSet, SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(PerpService))]
public sealed class EnablePerpServiceCommand : ActivationCmdlet
{
    protected override string Action => "Enable";
    protected override bool Activate => true;
}
