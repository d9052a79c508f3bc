using System.Diagnostics;
using System.Globalization;
using PerpBench;

// perpbench: the measuring half of bench/run.sh. Each subcommand prints key=value pairs
// on one line, which run.sh collects into its results.
var ci = CultureInfo.InvariantCulture;
if (args.Length == 0)
{
    Console.Error.WriteLine("usage: perpbench tree|mem|wakeups|await-starts|restart|log-wait|connections ...");
    return 100;
}
switch (args[0])
{
    case "tree":
        // Every pid under ROOT, one per line: what the bench stops by pid at the end.
        foreach (int pid in ProcTable.Read().Tree(int.Parse(args[1], ci))) Console.WriteLine(pid);
        return 0;

    case "mem":
    {
        var sup = ProcTable.Read().Supervisors(int.Parse(args[1], ci));
        var s = ProcStats.Sum(sup);
        Console.WriteLine($"procs={sup.Count} rss_kb={s.RssKb} pss_kb={s.PssKb} threads={s.Threads} fds={s.Fds}");
        return 0;
    }

    case "wakeups":
    {
        // Context switches of every thread of every supervisor process over a window:
        // each wakeup of a sleeping thread is one switch.
        var sup = ProcTable.Read().Supervisors(int.Parse(args[1], ci));
        double seconds = double.Parse(args[2], ci);
        long before = ProcStats.Sum(sup).ContextSwitches;
        var sw = Stopwatch.StartNew();
        Thread.Sleep(TimeSpan.FromSeconds(seconds));
        long after = ProcStats.Sum(sup).ContextSwitches;
        double perMin = (after - before) * 60.0 / sw.Elapsed.TotalSeconds;
        Console.WriteLine(string.Format(ci, "wakeups_window_s={0:F0} wakeups={1} wakeups_per_min={2:F1}",
            sw.Elapsed.TotalSeconds, after - before, perMin));
        return 0;
    }

    case "await-starts":
    {
        // FILE COUNT T0 TIMEOUT: seconds from T0 (epoch) until COUNT services have started.
        string file = args[1];
        int count = int.Parse(args[2], ci);
        double t0 = double.Parse(args[3], ci);
        using var log = new StartsLog(file);
        bool ok = log.WaitUntil(() => log.Pids.Count >= count, TimeSpan.FromSeconds(double.Parse(args[4], ci)));
        double elapsed = LogThroughput.EpochNow() - t0;
        Console.WriteLine(string.Format(ci, "started={0} start_all_s={1:F3}", log.Pids.Count, ok ? elapsed : double.NaN));
        return ok ? 0 : 1;
    }

    case "restart":
        return RestartLatency.Run(args[1], int.Parse(args[2], ci), args[3..]);

    case "log-wait":
        return LogThroughput.Run(args[1], int.Parse(args[2], ci), args[3],
            TimeSpan.FromSeconds(double.Parse(args[4], ci)));

    case "connections":
        // BASE SERVICE COUNT PID: perpd's RSS over COUNT sequential client connections.
        return Connections.Run(args[1], args[2], int.Parse(args[3], ci), int.Parse(args[4], ci));

    case "long-fuzz":
        return LongFuzz.Run(args[1], double.Parse(args[2], ci));

    case "long-soak":
        return LongSoak.Run(args[1], double.Parse(args[2], ci));

    case "report":
        return Report.Run(args[1], args[2]);

    default:
        Console.Error.WriteLine($"perpbench: unknown subcommand {args[0]}");
        return 100;
}
