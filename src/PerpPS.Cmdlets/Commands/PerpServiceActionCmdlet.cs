using System.Management.Automation;
using PerpPS.Core.Protocol;

namespace PerpPS.Cmdlets;

/// <summary>
/// A state-changing cmdlet: one ShouldProcess per service, a perpctl command on the wire,
/// then (unless -NoWait) a wait for the new state; -PassThru emits the refreshed object.
/// </summary>
public abstract class PerpServiceActionCmdlet : PerpServiceCmdlet
{
    /// <summary>Emit the service object after the action.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    /// <summary>Return as soon as perpd accepted the command.</summary>
    [Parameter]
    public SwitchParameter NoWait { get; set; }

    /// <summary>
    /// Seconds to wait for the new state; 0 waits without limit. The default is 60: a
    /// deployment script must not hang forever on a service that never comes up.
    /// </summary>
    [Parameter]
    [ValidateRange(0, int.MaxValue)]
    public int Timeout { get; set; } = 60;

    /// <summary>The verb shown by -WhatIf/-Confirm, e.g. "Start".</summary>
    protected abstract string Action { get; }

    protected sealed override void ProcessService(PerpService service)
    {
        if (!ShouldProcess(service.Name, Action)) return;
        var result = Act(service);
        if (result != null && PassThru) WriteObject(Refresh(result) ?? result);
    }

    /// <summary>Does the action (and its wait); returns null when an error was written.</summary>
    protected abstract PerpService? Act(PerpService service);

    /// <summary>Waits unless -NoWait; null on timeout.</summary>
    internal PerpService? Settle(PerpService service, Func<PerpService, bool> reached, string goal) =>
        NoWait ? service : WaitFor(service, reached, goal, Timeout);

    /// <summary>
    /// Main began a run after <paramref name="since"/>: Up for a service that restarts, or
    /// for a once service any start (it may already have finished).
    /// </summary>
    internal static bool StartedSince(PerpService s, Tai64N since, bool once)
    {
        if (s.Record is not { } r) return false;
        bool after = r.Main.When >= since;
        if (!once) return s.Status == PerpServiceStatus.Up && after;
        return after && ((r.Main.Pid != 0 && !r.Main.IsResetting) || (r.Main.Pid == 0 && r.Main.WantsDown));
    }
}
