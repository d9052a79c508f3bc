using System.Globalization;
using System.Text;
using PerpPS.Core.Client;
using PerpPS.Core.Posix;
using PerpPS.Core.Protocol;
using PerpPS.Tools.Cli;
using PerpPS.Tools.Common;
using PerpPS.Tools.Io;
using PerpPS.Tools.Perpls;

namespace PerpPS.Tools.Perpmetrics;

/// <summary>
/// perpmetrics (a PerpPS addition): the status of every service (or the named ones) in
/// Prometheus' text exposition format, for node_exporter's textfile collector
/// (<c>perpmetrics &gt; dir/perp.prom.$$ &amp;&amp; mv dir/perp.prom.$$ dir/perp.prom</c>) or a scrape
/// wrapper. One bulk request to perpd (Q per service against perp 2.07's perpd, whose
/// metrics then lack the extended families). Metric names: docs/protocol-extensions.md.
/// </summary>
internal static class PerpmetricsTool
{
    public const string Usage = "[-hV] [-b basedir] [sv ...]";

    private sealed record Family(string Name, string Type, string Help, bool Extended, Func<ServiceRow, Tai64N, bool, double?> Value);

    private static readonly Family[] Families =
    [
        new("perp_active", "gauge", "Whether the service is activated (sticky and known to perpd).", false, (r, _, log) => log ? null : r.Kind == RowKind.Status ? 1 : 0),
        new("perp_up", "gauge", "Whether the sub-service's start target runs (1) or not (0).", false, (r, now, log) => Sub(r, log) is { } s ? StatusJson.StateOf(s, now) == "up" ? 1 : 0 : null),
        new("perp_want_up", "gauge", "Whether perpd restarts the sub-service when it ends (not flagged down).", false, (r, _, log) => Sub(r, log) is { } s ? s.WantsDown ? 0 : 1 : null),
        new("perp_uptime_seconds", "gauge", "Seconds since the sub-service's current start (0 when it is not up).", false, (r, now, log) => Sub(r, log) is { } s ? StatusJson.StateOf(s, now) == "up" ? Tai64N.RoundedSecondsBetween(now, s.When) : 0 : null),
        new("perp_restarts_total", "counter", "Automatic restarts since activation.", true, (r, _, log) => Ext(r, log) is { } e ? e.Restarts : null),
        new("perp_start_failures", "gauge", "Consecutive starts that failed or ran under a second.", true, (r, _, log) => Ext(r, log) is { } e ? e.StartFailures : null),
        new("perp_last_exit_code", "gauge", "Exit code of the last run (absent when it did not exit normally).", true, (r, _, log) => Ext(r, log)?.ExitCode),
        new("perp_last_exit_signal", "gauge", "Signal that ended the last run (absent when it exited).", true, (r, _, log) => Ext(r, log)?.Signal),
        new("perp_last_exit_timestamp_seconds", "gauge", "Unix time of the last run's end.", true, (r, _, log) => Ext(r, log) is { LastExitKind: not ExitKind.None } e ? e.LastExitTime.UnixSeconds + e.LastExitTime.Nanoseconds / 1e9 : null),
        new("perp_last_run_seconds", "gauge", "How long the last run lasted.", true, (r, _, log) => Ext(r, log) is { LastExitKind: not ExitKind.None } e ? e.LastRunNanoseconds / 1e9 : null),
        new("perp_processes", "gauge", "Processes in the sub-service's cgroup (absent without cgroup containment).", true, (r, _, log) => Ext(r, log) is { } e && (e.Present & ExtensionFields.Cgroup) != 0 ? e.ProcessCount : null),
        new("perp_cpu_seconds_total", "counter", "CPU time of the sub-service's cgroup (absent without cgroup containment).", true, (r, _, log) => Ext(r, log) is { } e && (e.Present & ExtensionFields.Cgroup) != 0 ? Perpstat.UsageReport.Seconds(e.CpuMicroseconds) : null),
    ];

    public static int Run(ToolContext tool, Argv argv)
    {
        byte[]? baseArg = null;
        var opt = ClientOptions.Parse(tool, argv, "hVb:", ClientOptions.None, b => baseArg = b);
        var baseDirectory = BaseDirectory.Enter(tool, BaseChoice.ForControl(baseArg), "unable to chdir() to ");
        List<byte[]> names;
        List<FileStatus>? statuses = null;
        if (opt.Index >= argv.Count)
        {
            int listError = BaseListing.Read(out names, out statuses);
            if (listError != 0)
                throw tool.FatalSys(listError, new Line().S("failure opendir() on base directory ").B(baseDirectory.Given));
            // By name, each stat moving with its name.
            byte[][] sortedNames = [.. names];
            FileStatus[] sortedStatuses = [.. statuses];
            Array.Sort(sortedNames, sortedStatuses, Comparer<byte[]>.Create((a, b) => a.AsSpan().SequenceCompareTo(b)));
            names = [.. sortedNames];
            statuses = [.. sortedStatuses];
        }
        else names = [.. argv.Raw[opt.Index..]];

        List<ServiceRow> rows;
        Tai64N now;
        using (ControlClient client = DaemonConnection.Open(tool, baseDirectory))
        {
            now = Tai64N.Now();
            rows = ServiceRows.Gather(client, names, PerplsTool.Query, ListFlags.None, statuses); // perp_processes, perp_cpu_seconds_total
        }
        bool anyExtended = rows.Any(r => r.Extended.HasExtension);
        foreach (var f in Families)
        {
            if (f.Extended && !anyExtended) continue;
            tool.Out(new Line().S("# HELP ").S(f.Name).S(" ").S(f.Help));
            tool.Out(new Line().S("# TYPE ").S(f.Name).S(" ").S(f.Type));
            foreach (var row in rows)
            {
                if (row.Kind == RowKind.Error) continue;
                foreach (bool log in (bool[])[false, true])
                {
                    if (f.Value(row, now, log) is not { } v) continue;
                    var line = new Line().S(f.Name).S("{service=\"").S(Escape(row.Name));
                    if (f.Name != "perp_active") line.S("\",sub=\"").S(log ? "log" : "main");
                    tool.Out(line.S("\"} ").S(v.ToString("R", CultureInfo.InvariantCulture)));
                }
            }
        }
        tool.Output.Flush();
        return 0;
    }

    private static SubserviceStatus? Sub(ServiceRow r, bool log) =>
        r.Kind != RowKind.Status ? null : log ? (r.Status.HasLog ? r.Status.Log : null) : r.Status.Main;

    private static SubserviceExtension? Ext(ServiceRow r, bool log) =>
        r.Kind != RowKind.Status || !r.Extended.HasExtension ? null : log ? (r.Status.HasLog ? r.Extended.Log : null) : r.Extended.Main;

    /// <summary>A label value: backslash, quote and newline escaped; bytes that are not UTF-8 replaced.</summary>
    private static string Escape(byte[] name) =>
        Encoding.UTF8.GetString(name).Replace("\\", "\\\\").Replace("\"", "\\\"").Replace("\n", "\\n");
}
