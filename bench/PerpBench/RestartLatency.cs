using PerpPS.Core.Interop;
using System.Diagnostics;
using System.Globalization;

namespace PerpBench;

/// <summary>
/// Kill → restarted: SIGKILL a service's current pid and time until its runscript has
/// recorded the next start. The services are taken in turn, each one up for more than
/// a second before it is killed, so no supervisor's "died too fast" delay is measured,
/// only its reaction.
/// </summary>
public static class RestartLatency
{
    public static int Run(string startsFile, int trials, string[] names)
    {
        using var log = new StartsLog(startsFile);
        log.ReadNew();
        var lastStart = new Dictionary<string, long>();
        foreach (string n in names) lastStart[n] = 0;
        var samples = new List<double>();
        int failures = 0;
        for (int i = 0; i < trials; i++)
        {
            string name = names[i % names.Length];
            if (!log.Pids.TryGetValue(name, out int pid))
            {
                Console.Error.WriteLine($"perpbench: no start recorded for {name}");
                return 1;
            }
            // Every supervisor here delays a restart when the service lived < 1 s.
            long sinceStart = Stopwatch.GetTimestamp() - lastStart[name];
            double waitMs = 1500 - sinceStart * 1000.0 / Stopwatch.Frequency;
            if (lastStart[name] != 0 && waitMs > 0) Thread.Sleep((int)waitMs);
            Thread.Sleep(30);
            log.ReadNew();
            pid = log.Pids[name];
            long t0 = Stopwatch.GetTimestamp();
            if (Libc.Kill(pid, 9) != 0)
            {
                failures++;
                continue;
            }
            long t1 = 0;
            bool ok = log.WaitUntil(() => t1 != 0, TimeSpan.FromSeconds(10), s =>
            {
                if (s.Name == name && s.Pid != pid && t1 == 0) t1 = Stopwatch.GetTimestamp();
            });
            if (!ok)
            {
                failures++;
                continue;
            }
            lastStart[name] = t1;
            samples.Add((t1 - t0) * 1000.0 / Stopwatch.Frequency);
        }
        var ci = CultureInfo.InvariantCulture;
        Console.WriteLine(string.Format(ci, "restart_trials={0} restart_failures={1} restart_median_ms={2:F2} restart_p90_ms={3:F2} restart_min_ms={4:F2} restart_max_ms={5:F2}",
            samples.Count, failures, Stats.Percentile(samples, 50), Stats.Percentile(samples, 90),
            Stats.Percentile(samples, 0), Stats.Percentile(samples, 100)));
        return failures == 0 ? 0 : 1;
    }
}
