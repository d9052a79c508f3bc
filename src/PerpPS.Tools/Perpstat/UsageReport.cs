using System.Globalization;
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
        return line.N(e.ProcessCount).S(e.ProcessCount == 1 ? " process, cpu " : " processes, cpu ")
            .S(Seconds(e.CpuMicroseconds).ToString("0.000", CultureInfo.InvariantCulture)).S(" seconds");
    }

    /// <summary>CPU µs as seconds.</summary>
    public static double Seconds(ulong microseconds) => microseconds / 1e6;
}
