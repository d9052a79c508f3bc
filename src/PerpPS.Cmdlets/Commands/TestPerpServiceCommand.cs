using System.Management.Automation;

namespace PerpPS.Cmdlets;

/// <summary>
/// Test-PerpService: perpok as a boolean. $true when perpd supervises the service and, with
/// -MinimumUptime N, main runs its start (not resetting, not wanting down) for at least N
/// seconds (perp's rounding, no half-second hiding, like perpok -u). A service that does
/// not exist is $false, not an error (like Test-Path); perpd not running is still the one
/// terminating error.
/// </summary>
[Cmdlet(VerbsDiagnostic.Test, "PerpService", DefaultParameterSetName = InputObjectSet)]
[OutputType(typeof(bool))]
public sealed class TestPerpServiceCommand : PerpServiceCmdlet
{
    /// <summary>Seconds main must have been running (perpok -u).</summary>
    [Parameter]
    [ValidateRange(0, int.MaxValue)]
    public int MinimumUptime { get; set; }

    internal override void ServiceMissing(string baseDirectory, string name, Exception cause) => WriteObject(false);

    protected override void ProcessService(PerpService service)
    {
        if (!service.Enabled || service.Record is not { } r)
        {
            WriteObject(false);
            return;
        }
        if (MinimumUptime == 0)
        {
            WriteObject(true);
            return;
        }
        var main = r.Main;
        bool ok = main.Pid != 0 && !main.IsResetting && !main.WantsDown
                  && PerpPS.Core.Protocol.Tai64N.RoundedSecondsBetween(PerpPS.Core.Protocol.Tai64N.Now(), main.When) >= (ulong)MinimumUptime;
        WriteObject(ok);
    }
}
