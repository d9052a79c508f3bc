using System.Globalization;
using System.Text;

namespace PerpBench;

/// <summary>
/// Turns run.sh's raw lines (kind, size, key=value…) into bench/RESULTS.md: the machine,
/// one table per measure with every supervisor side by side and perpd's ratio to each
/// peer, and the targets with met / missed.
/// </summary>
public static class Report
{
    private static readonly CultureInfo Ci = CultureInfo.InvariantCulture;
    private static readonly string[] Peers = ["runit", "s6", "daemontools"];

    public static int Run(string machineFile, string rawFile)
    {
        var machine = new List<(string Key, string Value)>();
        foreach (string line in File.ReadLines(machineFile))
        {
            int eq = line.IndexOf('=');
            if (eq > 0) machine.Add((line[..eq], line[(eq + 1)..]));
            else if (line.Length > 0) machine.Add((line, ""));
        }
        // data[kind][size][key] = value
        var data = new Dictionary<string, Dictionary<string, Dictionary<string, string>>>();
        var sizes = new List<string>();
        foreach (string line in File.ReadLines(rawFile))
        {
            var cols = line.Split('\t');
            if (cols.Length < 3) continue;
            if (!data.TryGetValue(cols[0], out var bySize)) data[cols[0]] = bySize = new();
            if (!bySize.TryGetValue(cols[1], out var kv)) bySize[cols[1]] = kv = new(StringComparer.Ordinal);
            if (!sizes.Contains(cols[1])) sizes.Add(cols[1]);
            if (cols[2].StartsWith("skipped=", StringComparison.Ordinal) || cols[2].StartsWith("error=", StringComparison.Ordinal))
            {
                int eq = cols[2].IndexOf('=');
                kv[cols[2][..eq]] = cols[2][(eq + 1)..];
                continue;
            }
            foreach (string pair in cols[2].Split(' ', StringSplitOptions.RemoveEmptyEntries))
            {
                int eq = pair.IndexOf('=');
                if (eq > 0) kv[pair[..eq]] = pair[(eq + 1)..];
            }
        }
        var numeric = sizes.Where(s => int.TryParse(s, out _)).OrderBy(s => int.Parse(s, Ci)).ToList();
        var kinds = new List<string> { "perp" };
        if (data.ContainsKey("perp-gen0")) kinds.Add("perp-gen0");
        kinds.AddRange(Peers.Where(data.ContainsKey));

        var md = new StringBuilder();
        md.AppendLine("# PerpPS benchmark results");
        md.AppendLine();
        md.AppendLine("Written by `bench/run.sh` (see bench/README.md for what each figure means and how it is taken).");
        md.AppendLine("\"perpd\" is PerpPS's daemon; ratios are perpd ÷ peer (below 1 = perpd smaller/faster).");
        md.AppendLine();
        md.AppendLine("## Machine");
        md.AppendLine();
        foreach (var (k, v) in machine) md.AppendLine($"- {k}: {v}");
        md.AppendLine();

        Table(md, "Memory of the supervisor process(es): RSS (KiB)", data, kinds, numeric, "rss_kb", lowerIsBetter: true);
        Table(md, "Memory of the supervisor process(es): PSS (KiB)", data, kinds, numeric, "pss_kb", lowerIsBetter: true);
        Table(md, "Supervisor processes", data, kinds, numeric, "procs", ratio: false);
        Table(md, "Threads (all supervisor processes)", data, kinds, numeric, "threads", ratio: false);
        Table(md, "Open fds (all supervisor processes)", data, kinds, numeric, "fds", ratio: false);
        Table(md, "Idle wakeups per minute (context switches of every supervisor thread)", data, kinds, numeric, "wakeups_per_min", lowerIsBetter: true);
        Table(md, "Kill → restarted, median (ms)", data, kinds, numeric, "restart_median_ms", lowerIsBetter: true);
        Table(md, "Kill → restarted, p90 (ms)", data, kinds, numeric, "restart_p90_ms", lowerIsBetter: true);
        Table(md, "Mass start: all N services started (s)", data, kinds, numeric, "start_all_s", lowerIsBetter: true);
        Table(md, "Status CLI, one service (ms per call, incl. fork+exec)", data, kinds, numeric, "status_ms", lowerIsBetter: true);
        Table(md, "Control CLI, SIGCONT to one service (ms per call, incl. fork+exec)", data, kinds, numeric, "control_ms", lowerIsBetter: true);
        Table(md, "Baseline: fork+exec of /bin/true from the same loop (ms)", data, kinds, numeric, "exec_true_ms", ratio: false);
        Table(md, "perpstat, one service (ms per call)", data, ["perp"], numeric, "perpstat_ms", ratio: false);
        Table(md, "perpls, every service (ms per call)", data, ["perp"], numeric, "perpls_all_ms", ratio: false);
        Table(md, "Get-PerpService, one service, warm runspace (ms per call)", data, ["perp"], numeric, "getperpservice_ms", ratio: false);
        Table(md, "Get-PerpService, every service, warm runspace (ms per call)", data, ["perp"], numeric, "getperpservice_all_ms", ratio: false);
        Notes(md, data, kinds, numeric);
        LogTable(md, data, kinds);
        Long(md, data);
        Targets(md, data, kinds);
        Console.Write(md.ToString());
        return 0;
    }

    private static string? Get(Dictionary<string, Dictionary<string, Dictionary<string, string>>> data, string kind, string size, string key) =>
        data.TryGetValue(kind, out var bs) && bs.TryGetValue(size, out var kv) && kv.TryGetValue(key, out var v) ? v : null;

    private static double Num(string? v) =>
        v != null && double.TryParse(v, NumberStyles.Float, Ci, out double d) ? d : double.NaN;

    private static string Name(string kind) => kind switch
    {
        "perp" => "perpd",
        "perp-gen0" => "perpd gen0=256K",
        _ => kind,
    };

    private static bool IsPeer(string kind) => kind is not ("perp" or "perp-gen0");

    private static void Table(StringBuilder md, string title, Dictionary<string, Dictionary<string, Dictionary<string, string>>> data,
        IReadOnlyList<string> kinds, List<string> sizes, string key, bool lowerIsBetter = true, bool ratio = true)
    {
        var rows = sizes.Where(s => kinds.Any(k => Get(data, k, s, key) != null)).ToList();
        if (rows.Count == 0) return;
        var present = kinds.Where(k => data.ContainsKey(k)).ToList();
        var peers = present.Where(IsPeer).ToList();
        md.AppendLine($"## {title}");
        md.AppendLine();
        md.Append("| services |");
        foreach (string k in present) md.Append($" {Name(k)} |");
        if (ratio) foreach (string p in peers) md.Append($" perpd/{p} |");
        md.AppendLine();
        md.Append("|---:|");
        foreach (string _ in present) md.Append("---:|");
        if (ratio) foreach (string _ in peers) md.Append("---:|");
        md.AppendLine();
        foreach (string s in rows)
        {
            md.Append($"| {s} |");
            foreach (string k in present)
            {
                string? v = Get(data, k, s, key);
                string? skip = Get(data, k, s, "skipped") ?? Get(data, k, s, "error");
                md.Append(' ').Append(v ?? (skip != null ? "—" : "")).Append(" |");
            }
            if (ratio)
                foreach (string p in peers)
                {
                    double a = Num(Get(data, "perp", s, key)), b = Num(Get(data, p, s, key));
                    md.Append(double.IsNaN(a) || double.IsNaN(b) ? " |" :
                        b == 0 ? (a == 0 ? " 1 (both 0) |" : " ∞ |") : string.Format(Ci, " {0:F2} |", a / b));
                }
            md.AppendLine();
        }
        md.AppendLine();
    }

    private static void Notes(StringBuilder md, Dictionary<string, Dictionary<string, Dictionary<string, string>>> data,
        IReadOnlyList<string> kinds, List<string> sizes)
    {
        var notes = new List<string>();
        foreach (string k in kinds)
            foreach (string s in sizes)
            {
                if (Get(data, k, s, "skipped") is { } why) notes.Add($"{Name(k)} at {s}: skipped: {why}");
                if (Get(data, k, s, "error") is { } err) notes.Add($"{Name(k)} at {s}: error: {err}");
                if (Get(data, k, s, "restart_failures") is { } f && f != "0") notes.Add($"{Name(k)} at {s}: {f} restart trial(s) failed");
                if (Get(data, k, s, "started") is { } st && st != s) notes.Add($"{Name(k)} at {s}: only {st} of {s} services started");
            }
        if (notes.Count == 0) return;
        md.AppendLine("## Skipped or failed measures");
        md.AppendLine();
        foreach (string n in notes) md.AppendLine($"- {n}");
        md.AppendLine();
    }

    private static void LogTable(StringBuilder md, Dictionary<string, Dictionary<string, Dictionary<string, string>>> data, IReadOnlyList<string> kinds)
    {
        var present = kinds.Where(k => Get(data, k, "log", "log_lines_per_s") != null).ToList();
        if (present.Count == 0) return;
        md.AppendLine("## Logger throughput (lines/s through the log pipe into the logger's files)");
        md.AppendLine();
        md.AppendLine("| supervisor + logger | lines | seconds | lines/s | lost | doubled | perpd+tinylog ÷ this |");
        md.AppendLine("|---|---:|---:|---:|---:|---:|---:|");
        double mine = Num(Get(data, "perp", "log", "log_lines_per_s"));
        foreach (string k in present)
        {
            string logger = k switch { "perp" => "perpd + tinylog", "perp-gen0" => "perpd gen0=256K + tinylog", "runit" => "runit + svlogd", "s6" => "s6 + s6-log", _ => "daemontools + multilog" };
            double v = Num(Get(data, k, "log", "log_lines_per_s"));
            md.AppendLine(string.Format(Ci, "| {0} | {1} | {2} | {3} | {4} | {5} | {6} |", logger,
                Get(data, k, "log", "log_lines"), Get(data, k, "log", "log_seconds"), Get(data, k, "log", "log_lines_per_s"),
                Get(data, k, "log", "log_lost"), Get(data, k, "log", "log_doubled"),
                double.IsNaN(mine) || double.IsNaN(v) || v == 0 ? "" : (mine / v).ToString("F2", Ci)));
        }
        md.AppendLine();
    }

    private static void Long(StringBuilder md, Dictionary<string, Dictionary<string, Dictionary<string, string>>> data)
    {
        foreach (string what in new[] { "fuzz", "soak" })
        {
            if (!data.TryGetValue("perp", out var bs) || !bs.TryGetValue(what, out var kv)) continue;
            md.AppendLine(what == "fuzz" ? "## Long protocol fuzz (bench/PerpBench long-fuzz)" : "## Long restart soak (bench/PerpBench long-soak)");
            md.AppendLine();
            foreach (var (k, v) in kv) md.AppendLine($"- {k}: {v}");
            md.AppendLine();
        }
    }

    private static void Targets(StringBuilder md, Dictionary<string, Dictionary<string, Dictionary<string, string>>> data, IReadOnlyList<string> kinds)
    {
        md.AppendLine("## Targets for perpd");
        md.AppendLine();
        md.AppendLine("| target | build | measured | verdict |");
        md.AppendLine("|---|---|---:|---|");
        double fastest = double.NaN;
        string fastestName = "n/a";
        foreach (string p in kinds.Where(IsPeer))
        {
            double v = Num(Get(data, p, "200", "restart_median_ms"));
            if (!double.IsNaN(v) && (double.IsNaN(fastest) || v < fastest)) { fastest = v; fastestName = p; }
        }
        foreach (string k in kinds.Where(k => !IsPeer(k)))
        {
            string who = Name(k);
            double rss200 = Num(Get(data, k, "200", "rss_kb"));
            md.AppendLine(Row("RSS at 200 services ≤ 2.6 MB (2662 KiB)", who, rss200, "F0", " KiB", rss200 <= 2662));
            double wake = double.NaN;
            foreach (var (_, kv) in data.GetValueOrDefault(k) ?? new())
                if (kv.TryGetValue("wakeups_per_min", out var w)) wake = double.IsNaN(wake) ? Num(w) : Math.Max(wake, Num(w));
            md.AppendLine(Row("0 idle wakeups (worst size)", who, wake, "F1", "/min", wake == 0));
            double mine = Num(Get(data, k, "200", "restart_median_ms"));
            md.AppendLine(Row($"restart median at 200 ≤ fastest peer ({fastestName} {(double.IsNaN(fastest) ? "" : fastest.ToString("F2", Ci) + " ms")})",
                who, mine, "F2", " ms", !double.IsNaN(fastest) && mine <= fastest));
            // The largest size measured (10,000 where the fd limit allows, else 9,000).
            string top = Get(data, k, "10000", "rss_kb") != null ? "10000" : "9000";
            int topN = int.Parse(top, Ci);
            double r1k = Num(Get(data, k, "1000", "rss_kb")), rTop = Num(Get(data, k, top, "rss_kb"));
            double perService = (rTop - r1k) / (topN - 1000) * 1024;
            md.AppendLine(Row($"per-service memory ≤ 1 KB at {topN:N0} (ΔRSS 1000→{topN:N0} ÷ {topN - 1000:N0})", who, perService, "F0", " bytes", perService <= 1024));
            md.AppendLine(Row($"whole RSS ÷ services at {topN:N0} (for comparison)", who, rTop * 1024 / topN, "F0", " bytes", rTop * 1024 / topN <= 1024));
        }
        md.AppendLine();
    }

    private static string Row(string target, string who, double value, string fmt, string unit, bool met) =>
        double.IsNaN(value) ? $"| {target} | {who} | not measured | — |"
            : $"| {target} | {who} | {value.ToString(fmt, Ci)}{unit} | {(met ? "met" : "**missed**")} |";
}
