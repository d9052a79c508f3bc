using System.Diagnostics;
using System.Globalization;
using PerpPS.Core.Protocol;
using PerpPS.Reliability.Tests.Support;
using PerpPS.TestSupport;

namespace PerpBench;

/// <summary>
/// The reliability suite's restart soak, for minutes: 100 services that exit at once
/// (20 with a logger), restarted by perpd's 1 s governor forever. At quiet points (every
/// main wanted down and reaped) it samples perpd's fds, RSS and zombie children, then
/// lets them flap again. Prints the trend and the totals.
/// </summary>
public static class LongSoak
{
    public static int Run(string bin, double seconds)
    {
        var ci = CultureInfo.InvariantCulture;
        using var lab = new Lab(bin);
        string starts = Path.Combine(lab.Scratch, "starts");
        File.WriteAllText(starts, "");
        var ids = new List<ServiceId>();
        for (int i = 0; i < 100; i++)
        {
            var id = lab.AddService($"flap{i:D3}", $"[ \"$1\" = start ] || exit 0\necho s >>{starts}\nexit 3\n");
            if (i < 20) lab.AddLog($"flap{i:D3}", "[ \"$1\" = start ] || exit 0\nexec cat >/dev/null\n");
            ids.Add(id);
        }
        int pid = lab.StartDaemon();
        var sw = Stopwatch.StartNew();
        var samples = new List<(double T, long Starts, int Fds, long Rss, int Zombies)>();
        double interval = Math.Max(10, seconds / 8);
        while (sw.Elapsed.TotalSeconds < seconds)
        {
            Thread.Sleep(TimeSpan.FromSeconds(Math.Min(interval, Math.Max(1, seconds - sw.Elapsed.TotalSeconds))));
            if (!Lab.IsAlive(pid)) { Console.WriteLine("soak_result=perpd DIED"); return 1; }
            foreach (var id in ids) lab.Command(id, 'd');
            var quiet = Stopwatch.StartNew();
            while (ids.Any(id => lab.Status(id).Main.Pid != 0) && quiet.Elapsed < TimeSpan.FromSeconds(60)) Thread.Sleep(50);
            Thread.Sleep(300);
            long n = File.ReadAllBytes(starts).Count(b => b == '\n');
            samples.Add((sw.Elapsed.TotalSeconds, n, ProcFs.FdCount(pid), ProcFs.RssKb(pid), ProcFs.ZombieChildren(pid).Count));
            var s = samples[^1];
            Console.WriteLine(string.Format(ci, "t={0:F0}s restarts={1} fds={2} rss_kb={3} zombies={4}", s.T, s.Starts, s.Fds, s.Rss, s.Zombies));
            foreach (var id in ids) lab.Command(id, 'u');
        }
        var first = samples[0];
        var last = samples[^1];
        Console.WriteLine(string.Format(ci,
            "soak_seconds={0:F0} restarts={1} restarts_per_s={2:F1} fds_first={3} fds_last={4} rss_kb_first={5} rss_kb_last={6} rss_kb_max={7} zombies_max={8}",
            sw.Elapsed.TotalSeconds, last.Starts, last.Starts / sw.Elapsed.TotalSeconds, first.Fds, last.Fds,
            first.Rss, last.Rss, samples.Max(x => x.Rss), samples.Max(x => x.Zombies)));
        return first.Fds == last.Fds && samples.Max(x => x.Zombies) == 0 ? 0 : 1;
    }
}
