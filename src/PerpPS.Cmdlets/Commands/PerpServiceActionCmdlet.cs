using System.Diagnostics;
using System.Management.Automation;
using PerpPS.Cmdlets.Engine;
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

    private readonly List<PendingWait> _pending = new();
    private Tai64N _since;

    /// <summary>
    /// Whether main's run ending during the wait fails it at once (PerpServiceExited): for
    /// the cmdlets that wait for a run they started to be Up (Start, Restart).
    /// </summary>
    protected virtual bool FailsWhenRunEnds => false;

    protected sealed override void ProcessService(PerpService service)
    {
        if (!ShouldProcess(service.Name, Action)) return;
        _since = Tai64N.Now();
        var result = Act(service);
        if (result != null && PassThru) WriteObject(Refresh(result) ?? result);
    }

    /// <summary>
    /// Does the action; returns the service to emit with -PassThru now, or null when an error
    /// was written or the service waits (it is emitted when its wait ends).
    /// </summary>
    protected abstract PerpService? Act(PerpService service);

    /// <summary>
    /// Queues the wait for the new state (unless -NoWait, which returns the service at once).
    /// Every service of the invocation is commanded first and all are waited for together
    /// at the end, so restarting 100 services takes about as long as restarting one; the
    /// cmdlet still returns only when each has reached its state or timed out.
    /// </summary>
    /// <remarks>
    /// <paramref name="onTimeout"/> (Stop-PerpService -Force) is called once when the timeout
    /// is reached: when it returns true (it escalated), the wait goes on for another timeout.
    /// </remarks>
    internal PerpService? Settle(PerpService service, Func<PerpService, bool> reached, string goal, Func<PerpService, bool>? onTimeout = null)
    {
        if (NoWait) return service;
        _pending.Add(new PendingWait(service, reached, goal, Stopwatch.StartNew(), _since, FailsWhenRunEnds) { OnTimeout = onTimeout });
        return null;
    }

    protected override void EndProcessing()
    {
        if (_pending.Count == 0) return;
        var progress = new ProgressRecord(0x5045, "Waiting for Perp services", "waiting");
        var clock = Stopwatch.StartNew();
        bool shown = false;
        // Subscribe first, then read the status: every change after the read wakes the wait.
        using var events = new EventWaiter();
        foreach (var w in _pending) events.Open(w.Service.Base);
        HashSet<ServiceId>? touched = null;
        // -PassThru writes the services in the order they were given, not in the order they
        // became ready (readiness comes from perpd's events, in any order).
        var given = _pending.ToList();
        var reachedBy = new Dictionary<PendingWait, PerpService>(ReferenceEqualityComparer.Instance);
        while (_pending.Count > 0)
        {
            TimeSpan? timeMatters = null, left = null;
            for (int i = 0; i < _pending.Count;)
            {
                var wait = _pending[i];
                bool reread = touched is not { Count: > 0 } || wait.Current.Extended is not { } x || touched.Contains(x.Id);
                var fresh = reread ? Refresh(wait.Service) : wait.Current;
                if (fresh != null)
                {
                    wait.Current = fresh;
                    events.Saw(fresh);
                }
                if (fresh != null && wait.FailOnExit && RunEnded(fresh, wait.Since, runStartedSince: true)
                    && !(fresh.Once && fresh.Extended?.Main.ExitCode == 0))
                {
                    _pending.RemoveAt(i);
                    WriteServiceExited(fresh, wait.Goal);
                    continue;
                }
                if (fresh != null && wait.Reached(fresh))
                {
                    _pending.RemoveAt(i);
                    if (PassThru) reachedBy[wait] = fresh;
                    continue;
                }
                if (Timeout > 0 && wait.Clock.Elapsed.TotalSeconds >= Timeout && wait.OnTimeout is { } escalate && escalate(fresh ?? wait.Service))
                {
                    wait.OnTimeout = null;
                    wait.Clock.Restart();
                }
                if (Timeout > 0 && wait.Clock.Elapsed.TotalSeconds >= Timeout)
                {
                    _pending.RemoveAt(i);
                    var current = fresh ?? wait.Service;
                    WriteError(new ErrorRecord(
                        new TimeoutException($"Perp service '{current.Name}' did not become {wait.Goal} within {Timeout} seconds; it is {StatusText(current)}."),
                        ErrorIds.WaitTimeout, ErrorCategory.OperationTimeout, current));
                    continue;
                }
                if (EventWaiter.UntilTimeMatters(wait.Current) is { } t && (timeMatters == null || t < timeMatters)) timeMatters = t;
                if (Timeout > 0)
                {
                    var l = TimeSpan.FromSeconds(Timeout) - wait.Clock.Elapsed;
                    if (left == null || l < left) left = l;
                }
                i++;
            }
            if (_pending.Count == 0) break;
            if (clock.ElapsedMilliseconds > 500)
            {
                var first = _pending[0];
                progress.StatusDescription = _pending.Count == 1
                    ? $"'{first.Service.Name}': waiting to be {first.Goal} ({clock.Elapsed.TotalSeconds:0}s)"
                    : $"{_pending.Count} services, e.g. '{first.Service.Name}' to be {first.Goal} ({clock.Elapsed.TotalSeconds:0}s)";
                WriteProgress(progress);
                shown = true;
            }
            touched = Sleep(events, timeMatters, left);
        }
        foreach (var wait in given)
            if (reachedBy.TryGetValue(wait, out var reached)) WriteObject(reached);
        if (shown)
        {
            progress.RecordType = ProgressRecordType.Completed;
            WriteProgress(progress);
        }
    }

    /// <summary>A service commanded by this invocation whose new state is awaited.</summary>
    private sealed record PendingWait(PerpService Service, Func<PerpService, bool> Reached, string Goal, Stopwatch Clock, Tai64N Since, bool FailOnExit)
    {
        /// <summary>The latest reading of the service.</summary>
        public PerpService Current { get; set; } = Service;
        /// <summary>What to do once at the timeout (true: escalated, wait on); null when nothing (or done).</summary>
        public Func<PerpService, bool>? OnTimeout { get; set; }
    }

    /// <summary>
    /// Main began a run after <paramref name="since"/>: Up for a service that restarts, or
    /// for a once service any start (it may already have finished).
    /// </summary>
    internal static bool StartedSince(PerpService s, Tai64N since, bool once)
    {
        if (s.Record is not { } r) return false;
        bool after = r.Main.When >= since;
        if (!once) return s.Status == PerpServiceStatus.Up && after;
        // A governor's sleeper (its exec still to come) has not started the program: a run
        // that then fails at once must still be reported (PerpServiceExited).
        bool held = s.Extended is { HasExtension: true } e && (e.Main.Present & ExtensionFields.Policy) != 0
                    && (e.Main.Policy & PolicyFlags.Held) != 0;
        return after && ((r.Main.Pid != 0 && !r.Main.IsResetting && !held) || (r.Main.Pid == 0 && r.Main.WantsDown));
    }
}
