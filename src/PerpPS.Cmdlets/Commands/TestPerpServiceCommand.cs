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
[OutputType(typeof(PerpServiceTestResult))]
public sealed class TestPerpServiceCommand : PerpServiceCmdlet
{
    /// <summary>Seconds main must have been running (perpok -u), exactly: 1 means a full second.</summary>
    [Parameter]
    [ValidateRange(0, int.MaxValue)]
    public int MinimumUptime { get; set; }

    /// <summary>
    /// One object per service (Name, Base, Passed, Status, Uptime, Reason) instead of a bare
    /// boolean, so the answer for many services says which is which.
    /// </summary>
    [Parameter]
    public SwitchParameter Detailed { get; set; }

    internal override void ServiceMissing(string baseDirectory, string name, Exception cause) =>
        Answer(name, baseDirectory, false, null, null, "not found");

    protected override void ProcessService(PerpService service)
    {
        if (!service.Enabled || service.Record is not { } r)
        {
            Answer(service.Name, service.Base, false, service.Status, null, service.Enabled ? "not activated by perpd yet" : "not enabled");
            return;
        }
        double uptime = ExactUptimeSeconds(service);
        if (MinimumUptime == 0)
        {
            Answer(service.Name, service.Base, true, service.Status, uptime, "supervised by perpd");
            return;
        }
        var main = r.Main;
        string? why = main.Pid == 0 ? "main is not running"
            : main.IsResetting ? "main is resetting"
            : main.WantsDown ? "main wants down"
            : uptime < MinimumUptime ? $"up {uptime:0.0}s, less than {MinimumUptime}s"
            : null;
        Answer(service.Name, service.Base, why == null, service.Status, uptime, why ?? $"up {uptime:0.0}s");
    }

    private void Answer(string name, string baseDirectory, bool passed, PerpServiceStatus? status, double? uptime, string reason)
    {
        if (!Detailed)
        {
            WriteObject(passed);
            return;
        }
        WriteObject(new PerpServiceTestResult
        {
            Name = name,
            Base = baseDirectory,
            Passed = passed,
            Status = status,
            Uptime = uptime is { } u ? TimeSpan.FromSeconds(u) : null,
            Reason = reason,
        });
    }
}
