// eventbench BIN SERVICES TRIALS: kill -9 → Exited event latency through Core's EventSubscription,
// perpls time (median, p90) with 0 and with 100 subscribers (10 never reading), idle and while
// services are killed, perpd RSS after each of four 20,000-event storms, idle wakeups.
using System.Diagnostics;
using PerpPS.Core.Client;
using PerpPS.Core.Interop;
using PerpPS.Core.Posix;
using PerpPS.Core.Protocol;

string bin = args.Length > 0 ? args[0] : "out/bin";
int n = args.Length > 1 ? int.Parse(args[1]) : 200;
int trials = args.Length > 2 ? int.Parse(args[2]) : 30;
string root = Directory.CreateTempSubdirectory("perpps-eventbench-").FullName;
string baseDir = Path.Combine(root, "base");
Directory.CreateDirectory(baseDir);
for (int i = 0; i < n; i++)
{
    string d = Path.Combine(baseDir, $"s{i:0000}");
    Directory.CreateDirectory(d);
    File.WriteAllText(Path.Combine(d, "rc.main"), "#!/bin/sh\n[ \"$1\" = start ] && exec sleep 100000\nexit 0\n");
    File.SetUnixFileMode(Path.Combine(d, "rc.main"), (UnixFileMode)0b111_101_101);
    File.SetUnixFileMode(d, File.GetUnixFileMode(d) | UnixFileMode.StickyBit);
}
var perpd = Process.Start(new ProcessStartInfo(Path.Combine(bin, "perpd"), baseDir) { RedirectStandardError = true })!;
perpd.ErrorDataReceived += (_, _) => { };
perpd.BeginErrorReadLine();
try
{
    List<ExtendedStatus> All()
    {
        using var c = ControlClient.ConnectToBase(baseDir, TimeSpan.FromSeconds(10));
        var l = new List<ExtendedStatus>();
        if (!c.TryListAll(l)) throw new InvalidOperationException("perpd lacks the extension");
        return l;
    }
    bool Up(ExtendedStatus s) => s.Status.Main.Pid != 0 && !s.Status.Main.IsResetting;
    var sw0 = Stopwatch.StartNew();
    while (true)
    {
        try { if (All() is var l && l.Count == n && l.All(Up)) break; } catch (ControlException) { }
        if (sw0.Elapsed > TimeSpan.FromMinutes(2)) throw new TimeoutException("services not up");
        Thread.Sleep(100);
    }
    Thread.Sleep(2000);
    long Rss() => long.Parse(File.ReadLines($"/proc/{perpd.Id}/status").First(l => l.StartsWith("VmRSS:")).Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]);
    Dictionary<string, long> Switches()
    {
        var per = new Dictionary<string, long>();
        foreach (var t in Directory.GetDirectories($"/proc/{perpd.Id}/task"))
        {
            long sum = 0;
            try
            {
                foreach (var l in File.ReadLines(Path.Combine(t, "status")))
                    if (l.StartsWith("voluntary_ctxt_switches:") || l.StartsWith("nonvoluntary_ctxt_switches:"))
                        sum += long.Parse(l.Split(':')[1].Trim());
            }
            catch (IOException) { continue; }
            per[Path.GetFileName(t)] = sum;
        }
        return per;
    }
    (double Median, double P90) PerplsStats(int runs)
    {
        var times = new List<double>();
        for (int i = 0; i < runs; i++)
        {
            var psi = new ProcessStartInfo(Path.Combine(bin, "perpls"), ["-b", baseDir]) { RedirectStandardOutput = true };
            var sw = Stopwatch.StartNew();
            using var p = Process.Start(psi)!;
            p.StandardOutput.ReadToEnd();
            p.WaitForExit();
            times.Add(sw.Elapsed.TotalMilliseconds);
        }
        times.Sort();
        return (times[times.Count / 2], times[Math.Min(times.Count - 1, times.Count * 9 / 10)]);
    }
    ulong Sequence() => All()[0].EventSequence;
    // Context switches over the window: of every thread (present at both ends: a JIT build's
    // short-lived threads come and go), of the main thread (perpd's loop), and how many events
    // perpd emitted meanwhile (read outside the window): a window with events was not idle.
    (long All, long Main, ulong Events) Idle(int seconds)
    {
        ulong s0 = Sequence();
        var a = Switches();
        Thread.Sleep(seconds * 1000);
        var b = Switches();
        ulong s1 = Sequence();
        string main = perpd.Id.ToString();
        return (b.Where(kv => a.ContainsKey(kv.Key)).Sum(kv => kv.Value - a[kv.Key]), b[main] - a[main], s1 - s0);
    }

    // Kills a random running service every 20 ms until the token is cancelled.
    Thread Killer(CancellationToken stop)
    {
        var t = new Thread(() =>
        {
            var rnd = new Random(1);
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    var l = All();
                    var s = l[rnd.Next(l.Count)];
                    if (Up(s)) Libc.Kill((int)s.Status.Main.Pid, SignalNames.SIGKILL);
                }
                catch (ControlException) { }
                Thread.Sleep(20);
            }
        }) { IsBackground = true };
        t.Start();
        return t;
    }

    long rss0 = Rss();
    var ls0 = PerplsStats(31);
    var idle0 = Idle(10);
    // The same kills with no subscriber: what the subscribers' share of perpls's time is measured against.
    var stop0 = new CancellationTokenSource();
    var killer0 = Killer(stop0.Token);
    var ls0kills = PerplsStats(31);
    stop0.Cancel();
    killer0.Join();
    // Every service back up and past perpd's restart delay before the idle windows below.
    var settle = Stopwatch.StartNew();
    while (!(All() is var back && back.All(Up)) && settle.Elapsed < TimeSpan.FromMinutes(1)) Thread.Sleep(100);
    Thread.Sleep(3000);

    // Latency: kill -9 → the Exited event read by a subscriber of all services.
    var lat = new List<double>();
    using (var sub = EventSubscription.Open(baseDir)!)
    {
        var statuses = All();
        for (int t = 0; t < trials; t++)
        {
            var s = statuses[t % statuses.Count];
            var cur = All().First(x => x.Id == s.Id);
            uint pid = cur.Status.Main.Pid;
            var sw = Stopwatch.StartNew();
            Libc.Kill((int)pid, SignalNames.SIGKILL);
            while (sub.TryRead(out var e, TimeSpan.FromSeconds(10)))
                if (e.Kind == EventKind.Exited && e.Id == s.Id && e.Pid == pid) { lat.Add(sw.Elapsed.TotalMilliseconds); break; }
            while (sub.TryRead(out var e, TimeSpan.FromSeconds(10)))
                if (e.Kind == EventKind.Started && e.Id == s.Id) break;
        }
        // Quiet before the idle window below: each restart above is still followed by events
        // (ready half a second after the start), which perpd delivers to the 100 subscribers
        // opened next (the 1,194-1,581 "idle" switches of earlier runs were those). Two
        // seconds without an event on this subscription = nothing left to happen.
        while (sub.TryRead(out _, TimeSpan.FromSeconds(2))) { }
    }
    lat.Sort();

    // Load: 100 subscribers, 10 of which never read, while services are killed.
    var subs = Enumerable.Range(0, 100).Select(_ => EventSubscription.Open(baseDir)!).ToList();
    var stopReading = new CancellationTokenSource();
    var readers = subs.Take(90).Select(s => new Thread(() => { while (!stopReading.IsCancellationRequested) s.TryRead(out _, TimeSpan.FromMilliseconds(500)); }) { IsBackground = true }).ToList();
    readers.ForEach(r => r.Start());
    var idle100 = Idle(10);
    var ls100idle = PerplsStats(31);
    var killer = Killer(stopReading.Token);
    var ls100 = PerplsStats(31);
    // Command storms: each sends 20,000 events to every subscriber (the 10 stuck ones
    // overflow). RSS after each: bounded means it stops growing after the first.
    var stormRss = new List<long>();
    for (int storm = 0; storm < 4; storm++)
    {
        using (var c = ControlClient.ConnectToBase(baseDir, TimeSpan.FromSeconds(10)))
        {
            var id = All()[0].Id;
            for (int i = 0; i < 10_000; i++) c.Command(id, ControlCommand.Once);
        }
        Thread.Sleep(500);
        stormRss.Add(Rss());
    }
    stopReading.Cancel();
    readers.ForEach(r => r.Join());
    killer.Join();
    Thread.Sleep(2000);
    long rss100 = Rss();

    Console.WriteLine($"services\t{n}");
    Console.WriteLine($"kill9_to_event_ms_median\t{lat[lat.Count / 2]:0.00}");
    Console.WriteLine($"kill9_to_event_ms_p90\t{lat[(int)(lat.Count * 0.9)]:0.00}");
    Console.WriteLine($"kill9_to_event_ms_max\t{lat[^1]:0.00}");
    Console.WriteLine($"perpls_ms_median_0_subscribers\t{ls0.Median:0.00}\tp90\t{ls0.P90:0.00}");
    Console.WriteLine($"perpls_ms_median_0_subscribers_under_kills\t{ls0kills.Median:0.00}\tp90\t{ls0kills.P90:0.00}");
    Console.WriteLine($"perpls_ms_median_100_subscribers_idle\t{ls100idle.Median:0.00}\tp90\t{ls100idle.P90:0.00}");
    Console.WriteLine($"perpls_ms_median_100_subscribers_under_kills\t{ls100.Median:0.00}\tp90\t{ls100.P90:0.00}");
    Console.WriteLine($"perpd_rss_kib_after_each_storm\t{string.Join(",", stormRss)}");
    Console.WriteLine($"perpd_rss_kib_0_subscribers\t{rss0}");
    Console.WriteLine($"perpd_rss_kib_after_100_subscribers_and_storm\t{rss100}");
    Console.WriteLine($"idle_context_switches_10s_0_subscribers\t{idle0.All}\tloop_thread\t{idle0.Main}\tevents\t{idle0.Events}");
    Console.WriteLine($"idle_context_switches_10s_100_subscribers\t{idle100.All}\tloop_thread\t{idle100.Main}\tevents\t{idle100.Events}");
    subs.ForEach(s => s.Dispose());
}
finally
{
    Libc.Kill(perpd.Id, SignalNames.SIGTERM);
    perpd.WaitForExit(60_000);
    Directory.Delete(root, recursive: true);
}
