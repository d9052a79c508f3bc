using PerpPS.Core.Protocol;

namespace PerpPS.Reliability.Tests;

/// <summary>
/// Thousands of restarts of flapping services (some with loggers): no zombie is left,
/// perpd's descriptors come back to the same count and its memory stays within 5%.
/// Measured at quiet points (every main wanted down and reaped), so the count of living
/// children does not blur the comparison.
/// </summary>
public sealed class RestartSoakTests(ITestOutputHelper output)
{
    private const int Flappers = 100;
    private const int WithLog = 20;
    private const int Restarts = 1500;

    [Fact]
    public void Flapping_services_restart_thousands_of_times_without_zombies_or_leaks()
    {
        using var tb = new TempBase();
        string starts = Path.Combine(tb.Scratch, "starts");
        File.WriteAllText(starts, "");
        var ids = new List<ServiceId>();
        for (int i = 0; i < Flappers; i++)
        {
            string log = i < WithLog ? "[ \"$1\" = start ] || exit 0\nexec cat >/dev/null\n" : null!;
            ids.Add(Perp.Id(tb.AddService($"flap{i:D3}",
                $"[ \"$1\" = start ] || exit 0\necho s >>{starts}\nexit 3\n", i < WithLog ? log : null)));
        }
        using var daemon = DaemonProcess.Start(tb.Path, environment: LeakCheck.DaemonEnvironment);

        // Warm-up: every service through several start/reset cycles, then a first round of
        // restarts, each ending at a quiet point. The first round brings perpd's restart paths
        // (the governor's forked sleepers among them) to their resident size: a one-time
        // step of a few hundred KiB, the same after 1,500 restarts as after 6,000. A leak is
        // growth that goes on, so the second round is compared with the first.
        Wait.Until(() => Lines(starts) >= Flappers * 4, "a warm-up of four cycles per service", TimeSpan.FromSeconds(90));
        QuietPoint(tb.Path, daemon, ids);
        long startsW = Lines(starts);
        foreach (var id in ids) Assert.True(Perp.Send(tb.Path, id, 'u').IsSuccess);
        Wait.Until(() => Lines(starts) >= startsW + Restarts, $"a first round of {Restarts} restarts", TimeSpan.FromSeconds(120));
        var (fdsA, fdListA, rssA) = QuietPoint(tb.Path, daemon, ids);
        long startsA = Lines(starts);

        foreach (var id in ids) Assert.True(Perp.Send(tb.Path, id, 'u').IsSuccess);
        Wait.Until(() => Lines(starts) >= startsA + Restarts, $"{Restarts} more restarts", TimeSpan.FromSeconds(120));
        var (fdsB, fdListB, rssB) = QuietPoint(tb.Path, daemon, ids);
        long total = Lines(starts);
        output.WriteLine($"restarts: {total}, fds {fdsA} -> {fdsB}, RSS {rssA} -> {rssB} KiB");

        Assert.False(daemon.HasExited);
        Assert.True(total >= Flappers * 4 + 2 * Restarts);
        Assert.True(fdsB == fdsA, $"perpd's fds went from {fdsA} to {fdsB}\nbefore:\n{fdListA}\nafter:\n{fdListB}");
        Assert.True(rssB <= rssA * 1.05, $"perpd's RSS went from {rssA} KiB to {rssB} KiB over {total - startsA} restarts");
    }

    /// <summary>
    /// Every main wanted down and gone: then perpd's only children are the loggers, none
    /// of them a zombie, and its fds and RSS can be compared.
    /// </summary>
    private static (int Fds, string FdList, long Rss) QuietPoint(string baseDirectory, DaemonProcess daemon, List<ServiceId> ids)
    {
        foreach (var id in ids) Assert.True(Perp.Send(baseDirectory, id, 'd').IsSuccess);
        Wait.Until(() => ids.All(id => Perp.Status(baseDirectory, id).Main.Pid == 0),
            "every flapping main to be down", TimeSpan.FromSeconds(60));
        // Whatever perpd spawned and saw die is reaped: no zombie children.
        Wait.Until(() => ProcFs.ZombieChildren(daemon.Pid).Count == 0,
            "perpd to have reaped every child (zombies: " + string.Join(',', ProcFs.ZombieChildren(daemon.Pid)) + ")",
            TimeSpan.FromSeconds(10));
        Thread.Sleep(300); // our last status client's EOF
        return (ProcFs.FdCount(daemon.Pid), ProcFs.FdList(daemon.Pid), ProcFs.RssKb(daemon.Pid));
    }

    private static long Lines(string path)
    {
        long n = 0;
        foreach (byte b in File.ReadAllBytes(path)) if (b == '\n') n++;
        return n;
    }
}
