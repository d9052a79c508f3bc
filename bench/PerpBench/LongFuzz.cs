using System.Diagnostics;
using System.Globalization;
using PerpPS.Core.Client;
using PerpPS.Core.Posix;
using PerpPS.Reliability.Tests.Support;
using PerpPS.TestSupport;

namespace PerpBench;

/// <summary>
/// The reliability suite's protocol fuzz, for minutes instead of seconds: a fresh base
/// with an anchor and a victim service, four hostile clients at once in rounds, perpd's
/// RSS and fd count sampled after every round. Prints the trend and the totals.
/// </summary>
public static class LongFuzz
{
    public static int Run(string bin, double seconds)
    {
        var ci = CultureInfo.InvariantCulture;
        using var lab = new Lab(bin);
        var anchor = lab.AddSleeper("anchor");
        var victim = lab.AddSleeper("victim");
        int pid = lab.StartDaemon();
        lab.WaitRunning(anchor);
        string socket = PerpPaths.ControlSocket(lab.Base);
        var sw = Stopwatch.StartNew();
        long packets = 0, unanswered = 0, malformed = 0, hung = 0, refused = 0, connections = 0;
        var samples = new List<(double T, long Rss, int Fds)>();
        int round = 0;
        while (sw.Elapsed.TotalSeconds < seconds)
        {
            var fuzzers = new ProtocolFuzzer[4];
            var threads = new Thread[4];
            for (int i = 0; i < 4; i++)
            {
                var f = fuzzers[i] = new ProtocolFuzzer(socket, anchor, victim, seed: round * 10 + i);
                threads[i] = new Thread(() =>
                {
                    f.RandomBlobs(500);
                    f.CompletePackets(20, 200);
                    f.Mutations(2000);
                    f.PartialPackets(200);
                });
                threads[i].Start();
            }
            foreach (var t in threads) t.Join();
            fuzzers[0].Crowd(40);
            foreach (var f in fuzzers)
            {
                packets += f.Counts.PacketsSent; unanswered += f.Counts.Unanswered; malformed += f.Counts.Malformed;
                hung += f.Counts.Hung; refused += f.Counts.Refused; connections += f.Counts.Connections;
            }
            if (!Lab.IsAlive(pid)) { Console.WriteLine("fuzz_result=perpd DIED"); return 1; }
            lab.Command(victim, 'c');
            lab.Command(victim, 'u');
            lab.WaitRunning(victim);
            Thread.Sleep(200);
            samples.Add((sw.Elapsed.TotalSeconds, ProcFs.RssKb(pid), ProcFs.FdCount(pid)));
            Console.WriteLine(string.Format(ci, "round {0}: t={1:F0}s packets={2} rss_kb={3} fds={4}", round, sw.Elapsed.TotalSeconds, packets, samples[^1].Rss, samples[^1].Fds));
            round++;
        }
        var first = samples[Math.Min(1, samples.Count - 1)];
        var last = samples[^1];
        bool answersRight = lab.Status(anchor).Main.Pid != 0;
        Console.WriteLine(string.Format(ci,
            "fuzz_seconds={0:F0} packets={1} packets_per_s={2:F0} connections={3} unanswered={4} malformed={5} hung={6} refused={7} rss_kb_round1={8} rss_kb_last={9} fds_round1={10} fds_last={11} answers_after={12}",
            sw.Elapsed.TotalSeconds, packets, packets / sw.Elapsed.TotalSeconds, connections, unanswered, malformed, hung, refused,
            first.Rss, last.Rss, first.Fds, last.Fds, answersRight ? "correct" : "WRONG"));
        return unanswered == 0 && malformed == 0 && hung == 0 && answersRight ? 0 : 1;
    }
}
