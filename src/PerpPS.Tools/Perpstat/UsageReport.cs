using PerpPS.Core.Protocol;
using PerpPS.Tools.Io;

namespace PerpPS.Tools.Perpstat;

/// <summary>
/// The cgroup lines perpstat adds last when perpd contains the service in cgroups of its own
/// (docs/protocol-extensions.md; none in perpd's fallback mode, none against perp 2.07):
/// <code>
///   main usage: 2 processes, cpu 0.031 seconds
///    log usage: 1 process, cpu 0.002 seconds
/// </code>
/// The processes are everything in the sub-service's cgroup (runscript, its children and
/// whatever they left behind); the CPU time is the cgroup's, reaped processes included.
/// </summary>
internal static class UsageReport
{
    public static IEnumerable<Line> Format(ExtendedStatus status)
    {
        if (Line(new Line().S("  main usage: "), status.Main) is { } main) yield return main;
        if (status.Status.HasLog && Line(new Line().S("   log usage: "), status.Log) is { } log) yield return log;
    }

    private static Line? Line(Line line, SubserviceExtension e)
    {
        if ((e.Present & ExtensionFields.Cgroup) == 0) return null;
        line.N(e.ProcessCount).S(e.ProcessCount == 1 ? " process, cpu " : " processes, cpu ");
        return Milliseconds(line, e.CpuMicroseconds).S(" seconds");
    }

    /// <summary>
    /// CPU µs as seconds with three decimals, rounded half up: the text of
    /// <c>(µs / 1e6).ToString("0.000")</c> in integer arithmetic, so perpstat's hot path
    /// pages in no floating-point formatting. The same digits while the µs fit in double's 15
    /// significant digits (below 10^9 seconds); beyond, the double format itself.
    /// </summary>
    internal static Line Milliseconds(Line line, ulong microseconds)
    {
        if (microseconds >= 1_000_000_000_000_000UL)
            return line.S(Seconds(microseconds).ToString("0.000", System.Globalization.CultureInfo.InvariantCulture));
        ulong ms = microseconds / 1000 + (microseconds % 1000 >= 500 ? 1UL : 0UL);
        ulong fraction = ms % 1000;
        line.N(ms / 1000).S(".");
        if (fraction < 100) line.S(fraction < 10 ? "00" : "0");
        return line.N(fraction);
    }

    /// <summary>CPU µs as seconds.</summary>
    public static double Seconds(ulong microseconds) => microseconds / 1e6;
}
