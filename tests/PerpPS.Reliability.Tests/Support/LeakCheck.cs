namespace PerpPS.Reliability.Tests.Support;

/// <summary>How the leak tests run perpd.</summary>
public static class LeakCheck
{
    /// <summary>
    /// perpd's environment for tests that hold its RSS flat: a 256 KiB gen0 budget
    /// (DOTNET_GCgen0size, hex without "0x", which is how the Native AOT runtime parses it).
    /// By default the GC lets garbage pile up to a budget sized from the CPU cache (about
    /// 16 MB here) before its first collection, so RSS climbs for a long while under any
    /// load that allocates at all and a short test cannot tell that slack from a leak.
    /// With a small budget garbage is collected early; what still grows is retained memory.
    /// </summary>
    public static readonly IDictionary<string, string?> DaemonEnvironment =
        new Dictionary<string, string?> { ["DOTNET_GCgen0size"] = "40000" };
}
