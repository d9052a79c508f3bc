using PerpPS.Core.Protocol;
using PerpPS.Daemon.Interop;
using PerpPS.Daemon.Policy;

namespace PerpPS.Daemon;

/// <summary>The policy figures of the extended status (main only), read from the service's <see cref="PolicyState"/> when asked.</summary>
internal sealed partial class Subservice
{
    /// <summary>Ready, Healthy/Unhealthy, Backoff, Failed, WaitingForDependency, Held as of now.</summary>
    public PolicyFlags CurrentPolicy()
    {
        if (IsLog) return Policy;
        var p = Owner.Policy;
        var f = PolicyFlags.None;
        if (p.Ready && Pid != 0 && !Has(SubserviceFlags.IsReset)) f |= PolicyFlags.Ready;
        if (p.Health == Health.Healthy) f |= PolicyFlags.Healthy;
        else if (p.Health == Health.Unhealthy) f |= PolicyFlags.Unhealthy;
        if (StartPending && p.Backoff.Interval > Second) f |= PolicyFlags.Backoff;
        if (p.Failed) f |= PolicyFlags.Failed;
        if (p.WaitingDependencies) f |= PolicyFlags.WaitingForDependency;
        if (Pid != 0 && !Has(SubserviceFlags.IsReset) && HoldUntil > Native.MonotonicNanoseconds()) f |= PolicyFlags.Held;
        return f;
    }

    /// <summary>The restart delay in force (ms) when restart-backoff applies, else 0.</summary>
    public uint CurrentBackoffMilliseconds() =>
        IsLog ? BackoffMilliseconds : (uint)Math.Min(uint.MaxValue, Owner.Policy.Backoff.Interval / 1_000_000);

    public uint CurrentHealthFailures() => IsLog ? HealthFailures : (uint)Owner.Policy.CheckFailures;

    /// <summary>perpd maintains the policy figures of main.</summary>
    public ExtensionFields CurrentPresent() => IsLog ? Present : Present | ExtensionFields.Policy;
}
