using PerpPS.Core.Protocol;

namespace PerpPS.Tools.Tests;

/// <summary>
/// Status records that reproduce the states of the spec's transcripts (§16): ages are
/// given in seconds before a fixed "now", so the text can be compared exactly.
/// </summary>
internal static class StatusBuilder
{
    /// <summary>A fixed "now": 1795371002 unix seconds, the instant §16.6's zero-tain figure implies.</summary>
    public static readonly Tai64N Now = Tai64N.FromUnix(1795371002, 0);

    public static Tai64N Ago(double seconds) => Now.AddNanoseconds(-(long)(seconds * 1e9));

    public static SubserviceStatus Sub(uint pid, double age, SubserviceFlags flags = SubserviceFlags.None) =>
        new(pid, Ago(age), flags);

    public static SubserviceStatus NeverStarted(SubserviceFlags flags) => new(0, Tai64N.Zero, flags);

    public static StatusRecord Service(SubserviceStatus main, SubserviceStatus? log = null, double activated = 6,
        ServiceFlags extra = ServiceFlags.None)
    {
        var flags = ServiceFlags.Active | extra | (log != null ? ServiceFlags.HasLog : ServiceFlags.None);
        var logStatus = log is { } l ? l with { Flags = l.Flags | SubserviceFlags.IsLog } : default;
        return new StatusRecord(16398, Ago(100), Ago(activated), flags, main, logStatus);
    }
}
