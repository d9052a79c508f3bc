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

    /// <summary>Seconds main must have been running, exactly (1 means a full second, not perp's rounded "1s" at 0.5 s).</summary>
    [Parameter]
    [ValidateRange(0, int.MaxValue)]
    public int MinimumUptime { get; set; }

    /// <summary>Waiting for Up: main's run ending meanwhile is PerpServiceExited, not a wait to time out.</summary>
    internal override bool ExitIsFailure => Status == PerpServiceStatus.Up || Ready;

    /// <summary>
    /// Wait for a process started after the service object was read (a pid other than the
    /// one it had), so a check right after a kill or restart cannot see the old process.
    /// </summary>
    [Parameter]
    public SwitchParameter NewProcess { get; set; }

    /// <summary>
    /// Wait until main is also ready (it wrote its notification-fd line, passed its first
    /// check, or has run half a second): Ready is $true. Against a perpd without readiness, Up is ready.
    /// </summary>
    [Parameter]
    public SwitchParameter Ready { get; set; }

    /// <summary>Emit the service once it reached the state.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void ProcessService(PerpService service)
    {
        // The process to wait past with -NewProcess: the piped object's (what the caller saw,
        // e.g. before a kill: perpd may have restarted it before this fresh read), else the
        // one the service has now. The start time is compared too, so a reused pid counts as new.
        var past = Given is { Record: not null } given ? given : service;
        int oldPid = past.Pid;
        var oldStart = past.Record?.Main.When;
        string goal = (MinimumUptime > 0 ? $"{Status} for {MinimumUptime}s" : Status.ToString()) + (Ready ? " and ready" : "")
                      + (NewProcess ? $" with a process other than {oldPid}" : "");
        var reached = WaitFor(service,
            s => s.Status == Status && (!Ready || (s.Ready ?? s.Status == PerpServiceStatus.Up))
                 && (!NewProcess || (s.Pid != 0 && (s.Pid != oldPid || s.Record?.Main.When != oldStart))),
            goal, Timeout, MinimumUptime, onlyNewRunsFail: NewProcess);
        if (reached != null && PassThru) WriteObject(reached);
    }
}
