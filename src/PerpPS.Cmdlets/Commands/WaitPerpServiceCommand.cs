using System.Management.Automation;

namespace PerpPS.Cmdlets;

/// <summary>
/// Wait-PerpService: waits until each service has a status (Up by default) and, optionally,
/// a minimum uptime; progress while waiting; a PerpServiceWaitTimeout error on timeout.
/// </summary>
[Cmdlet(VerbsLifecycle.Wait, "PerpService", DefaultParameterSetName = InputObjectSet)]
[OutputType(typeof(PerpService))]
public sealed class WaitPerpServiceCommand : PerpServiceCmdlet
{
    /// <summary>The status to wait for (default Up).</summary>
    [Parameter]
    public PerpServiceStatus Status { get; set; } = PerpServiceStatus.Up;

    /// <summary>Seconds to wait; 0 (the default) waits without limit, like Wait-Process.</summary>
    [Parameter]
    [ValidateRange(0, int.MaxValue)]
    public int Timeout { get; set; }

    /// <summary>Seconds main must have been running (perp's rounded uptime, like perpok -u).</summary>
    [Parameter]
    [ValidateRange(0, int.MaxValue)]
    public int MinimumUptime { get; set; }

    /// <summary>Waiting for Up: main's run ending meanwhile is PerpServiceExited, not a wait to time out.</summary>
    internal override bool ExitIsFailure => Status == PerpServiceStatus.Up;

    /// <summary>Emit the service once it reached the state.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void ProcessService(PerpService service)
    {
        var reached = WaitFor(service, s => s.Status == Status, MinimumUptime > 0 ? $"{Status} for {MinimumUptime}s" : Status.ToString(),
            Timeout, MinimumUptime);
        if (reached != null && PassThru) WriteObject(reached);
    }
}
