using System.Globalization;
using PerpPS.Core.Client;
using PerpPS.Core.Posix;

namespace PerpBench;

/// <summary>
/// perpd's memory under many clients (issue #13): COUNT sequential connections to perpd on
/// BASE, each one status query of SERVICE (what a perpls of one service does) and a close;
/// perpd's RSS before, after every tenth of them, and 2 s after the last. A bounded GC heap
/// shows as a trend that levels off.
/// </summary>
public static class Connections
{
    public static int Run(string baseDir, string service, int count, int daemonPid)
    {
        var ci = CultureInfo.InvariantCulture;
        var id = FileStatus.Stat(Path.Combine(baseDir, service)).Id;
        long Rss() => ProcStats.Read(daemonPid).RssKb;
        var trend = new List<long> { Rss() };
        int step = Math.Max(1, count / 10), failed = 0;
        for (int i = 1; i <= count; i++)
        {
            try
            {
                using var c = ControlClient.ConnectToBase(baseDir, TimeSpan.FromSeconds(10));
                c.Query(id);
            }
            catch (ControlException) { failed++; }
            if (i % step == 0) trend.Add(Rss());
        }
        Thread.Sleep(2000);
        long settled = Rss();
        Console.WriteLine(string.Format(ci, "connections={0} failed={1} rss_kb_before={2} rss_kb_after={3} rss_kb_trend={4}",
            count, failed, trend[0], settled, string.Join(",", trend)));
        return 0;
    }
}
