using PerpPS.Core.Client;
using PerpPS.Core.Posix;
using PerpPS.Core.Protocol;

namespace PerpPS.Reliability.Tests;

/// <summary>
/// The control socket under hostile traffic: perpd stays up, answers every complete
/// packet with one well-formed reply, closes on EOF, serves others while a client dawdles,
/// answers well-formed requests correctly afterwards, and keeps its fds and memory flat.
/// </summary>
public sealed class ProtocolFuzzTests(ITestOutputHelper output)
{
    /// <summary>Each round is ~3,400 connections and ~10,000 packets (about a second here).</summary>
    private const int MaxWarmupRounds = 40;

    [Fact]
    public void Daemon_survives_random_mutated_partial_slow_and_crowded_clients_and_stays_flat()
    {
        using var tb = new TempBase();
        var anchor = Perp.Id(tb.AddService("anchor", Scripts.Forever));
        var victim = Perp.Id(tb.AddService("victim", Scripts.Forever));
        using var daemon = DaemonProcess.Start(tb.Path, environment: LeakCheck.DaemonEnvironment);
        uint anchorPid = Perp.WaitMainUp(tb.Path, anchor);
        Perp.WaitMainUp(tb.Path, victim);
        string socket = PerpPaths.ControlSocket(tb.Path);

        // Warm-up until perpd's memory stops growing. A garbage-collected daemon's RSS
        // climbs until its first collections (the heap grows to the GC's gen0 budget, a
        // function of the CPU cache, not of the load), then must stay put: a leak never
        // levels off. "Flat" = two rounds in a row within 1%, reached within the bound.
        var plateau = new List<long> { ProcFs.RssKb(daemon.Pid) };
        int level = 0;
        for (int round = 0; round < MaxWarmupRounds && level < 2; round++)
        {
            Round(socket, anchor, victim, seedBase: 1 + round * 10);
            long rss = ProcFs.RssKb(daemon.Pid);
            level = rss <= plateau[^1] * 1.01 ? level + 1 : 0;
            plateau.Add(rss);
        }
        output.WriteLine($"warm-up RSS per round (KiB): {string.Join(' ', plateau)}");
        Assert.True(level >= 2, $"perpd's RSS never levelled off over {MaxWarmupRounds} fuzz rounds (KiB): {string.Join(' ', plateau)}");
        Settle(tb.Path, victim);
        Thread.Sleep(300); // let perpd see our last client's EOF before counting
        int fdsBefore = ProcFs.FdCount(daemon.Pid);
        string fdListBefore = ProcFs.FdList(daemon.Pid);
        long rssBefore = ProcFs.RssKb(daemon.Pid);

        // A client that sends half a request and then nothing: perpd serves everyone else
        // meanwhile and drops it once it is stale (8 s, spec §5.6).
        // The stopwatch starts before the connection: what it measures is never shorter than
        // the client's real age, so a slow machine cannot make this lower bound fail.
        var staleSince = System.Diagnostics.Stopwatch.StartNew();
        var stale = RawClient.Connect(socket, TimeSpan.FromSeconds(20));
        Assert.True(stale.TrySend(new byte[] { Packet.Version, PacketType.Query, 16, 1, 2, 3 }));

        // The main round: four hostile clients at once, then the crowd and the slow writer.
        var fuzzers = Round(socket, anchor, victim, seedBase: 100);
        var (answered, closed) = fuzzers[0].Crowd(40);
        byte[]? slow = fuzzers[0].SlowQuery(TimeSpan.FromMilliseconds(40), () =>
        {
            // While the slow client holds half a packet, others are served at once.
            var s = Perp.Status(tb.Path, anchor);
            Assert.Equal(anchorPid, s.Main.Pid);
        });

        Assert.False(daemon.HasExited, "perpd died under fuzzing:\n" + string.Join('\n', daemon.Lines.TakeLast(20)));
        foreach (var f in fuzzers)
        {
            Assert.True(f.Counts.Unanswered == 0, "complete packets went unanswered: " + f.Counts);
            Assert.True(f.Counts.Malformed == 0, "malformed replies: " + f.Counts);
            Assert.True(f.Counts.Hung == 0, "connections not closed after EOF: " + f.Counts);
            Assert.True(f.Counts.Refused == 0, "connections refused: " + f.Counts);
        }
        long packets = fuzzers.Sum(f => f.Counts.PacketsSent);
        Assert.True(packets >= 8000, $"only {packets} packets were sent");
        Assert.True(answered >= 1 && answered + closed == 40, $"crowd: {answered} answered, {closed} closed");
        Assert.Equal(0, fuzzers[0].Counts.Malformed);
        Assert.NotNull(slow);
        Assert.Equal(PacketType.Status, slow![1]);

        Assert.True(stale.WaitForClose(), "perpd never closed a client that stopped half-way through a request");
        Assert.True(staleSince.Elapsed.TotalSeconds >= 7, $"the stale client was closed after {staleSince.Elapsed.TotalSeconds:F1}s, before its 8 s");
        stale.Dispose();
        daemon.WaitForLine("closing stale client connection");

        // Well-formed requests get the right answers afterwards.
        var status = Perp.Status(tb.Path, anchor);
        Assert.Equal((uint)daemon.Pid, status.DaemonPid);
        Assert.Equal(anchorPid, status.Main.Pid);
        Assert.True((status.Flags & ServiceFlags.Active) != 0);
        var unknown = new ServiceId(anchor.Device, anchor.Inode + 987654321);
        using (var c = ControlClient.ConnectToBase(tb.Path, TimeSpan.FromSeconds(5)))
        {
            var query = c.Query(unknown);
            Assert.Equal((ReplyKind.Error, Errno.ENOTDIR), (query.Kind, query.Errno));
            var cmd = c.Command(unknown, (byte)'u');
            Assert.Equal((ReplyKind.Error, Errno.ENOENT), (cmd.Kind, cmd.Errno));
            Assert.True(c.Command(anchor, (byte)'c').IsSuccess);
            var bad = c.Exchange([7, PacketType.Query, 16, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
            Assert.Equal((ReplyKind.Error, Errno.EPROTO), (bad.Kind, bad.Errno));
        }

        // Flat: the same descriptors once every client is gone, memory within 5%.
        Settle(tb.Path, victim);
        Wait.Until(() => ProcFs.FdCount(daemon.Pid) <= fdsBefore,
            $"perpd's fd count to return to {fdsBefore}\nbefore:\n{fdListBefore}\nnow:\n{ProcFs.FdList(daemon.Pid)}",
            TimeSpan.FromSeconds(20));
        long rssAfter = ProcFs.RssKb(daemon.Pid);
        output.WriteLine($"fds {fdsBefore} -> {ProcFs.FdCount(daemon.Pid)}, RSS {rssBefore} -> {rssAfter} KiB, packets {packets}");
        Assert.True(rssAfter <= rssBefore * 1.05,
            $"perpd's RSS grew from {rssBefore} KiB to {rssAfter} KiB over {packets} hostile packets (warm-up: {string.Join(' ', plateau)})");
    }

    /// <summary>Four hostile clients at once, each with every kind of bad traffic.</summary>
    private static ProtocolFuzzer[] Round(string socket, ServiceId anchor, ServiceId victim, int seedBase)
    {
        var fuzzers = new ProtocolFuzzer[4];
        var threads = new Thread[fuzzers.Length];
        for (int i = 0; i < fuzzers.Length; i++)
        {
            var f = fuzzers[i] = new ProtocolFuzzer(socket, anchor, victim, seed: seedBase + i);
            threads[i] = new Thread(() =>
            {
                f.RandomBlobs(600);
                f.CompletePackets(40, 25);
                f.Mutations(800);
                f.PartialPackets(200);
            });
            threads[i].Start();
        }
        foreach (var t in threads) Assert.True(t.Join(TimeSpan.FromMinutes(2)), "a fuzzing client did not finish");
        fuzzers[0].Crowd(30);
        return fuzzers;
    }

    /// <summary>Brings the fuzzed victim back to a known state: continued, wanted up, running.</summary>
    private static void Settle(string baseDirectory, ServiceId victim)
    {
        Perp.Send(baseDirectory, victim, 'c');
        Perp.Send(baseDirectory, victim, 'u');
        Perp.WaitMainUp(baseDirectory, victim, TimeSpan.FromSeconds(20));
    }
}
