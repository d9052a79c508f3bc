using System.Net.Sockets;
using PerpPS.Core.Client;
using PerpPS.Core.Protocol;

namespace PerpPS.Reliability.Tests;

/// <summary>
/// The protocol extension's packets (X, L, W: new attack surface) under random and hostile
/// traffic: every complete request gets a well-formed answer (X: x or E; L: a stream of x/n
/// ending with E; W: w or E), a subscriber's garbage is ignored, abrupt closes of bulk
/// readers and subscribers leave nothing behind, and perpd answers correctly afterwards.
/// </summary>
public sealed class ExtensionFuzzTests(ITestOutputHelper output)
{
    private static readonly byte[] Types = [PacketType.ExtendedQuery, PacketType.List, PacketType.Subscribe, PacketType.SetOnce];

    [Fact]
    public void Random_extension_packets_get_well_formed_answers_and_leave_perpd_flat()
    {
        using var tb = new TempBase();
        var ids = new List<ServiceId>();
        for (int i = 0; i < 20; i++) ids.Add(Perp.Id(tb.AddService($"s{i:00}", Scripts.Forever)));
        using var daemon = DaemonProcess.Start(tb.Path);
        foreach (var id in ids) Perp.WaitMainUp(tb.Path, id);
        string socket = PerpPaths.ControlSocket(tb.Path);
        var rng = new Random(9);
        int fdsBefore = ProcFs.FdCount(daemon.Pid);
        int requests = 0, subscriptions = 0, streams = 0;

        for (int conn = 0; conn < 600; conn++)
        {
            using var s = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified) { ReceiveTimeout = 10_000 };
            s.Connect(new UnixDomainSocketEndPoint(socket));
            for (int k = 0; k < 5; k++)
            {
                byte type = Types[rng.Next(Types.Length)];
                int length = rng.Next(4) switch
                {
                    0 => rng.Next(256),                       // anything
                    1 => type == PacketType.ExtendedQuery ? 16 : type == PacketType.SetOnce ? 18 : 1 + 16 * rng.Next(16), // well-sized
                    2 => 1 + 16 * rng.Next(16, 20) % 256,     // too many ids
                    _ => rng.Next(3),
                };
                var p = new byte[3 + length];
                p[0] = 2; p[1] = type; p[2] = (byte)length;
                rng.NextBytes(p.AsSpan(3));
                // Half of the ids are real services, so real records are built too.
                for (int o = type is PacketType.ExtendedQuery or PacketType.SetOnce ? 3 : 4; o + 16 <= p.Length; o += 16)
                    if (rng.Next(2) == 0) ids[rng.Next(ids.Count)].Write(p.AsSpan(o));
                if (rng.Next(10) == 0)
                {
                    // Half a packet, then close: perpd drops the connection.
                    s.Send(p, 0, Math.Max(1, p.Length / 2), SocketFlags.None);
                    break;
                }
                s.Send(p);
                requests++;
                var first = Read(s);
                Assert.NotNull(first);
                Assert.Equal(2, first![0]);
                if (first[1] == PacketType.Error) { Assert.Equal(7, first.Length); continue; }
                Assert.NotEqual(PacketType.SetOnce, type); // O is answered E, always
                if (type == PacketType.ExtendedQuery)
                {
                    Assert.Equal(PacketType.Extended, first[1]);
                    Assert.True(ExtendedStatus.TryRead(first.AsSpan(3), out var st) && ids.Contains(st.Id));
                    continue;
                }
                if (type == PacketType.List)
                {
                    streams++;
                    var pk = first;
                    bool abandon = rng.Next(5) == 0;
                    while (pk![1] != PacketType.Error)
                    {
                        Assert.True(pk[1] is PacketType.Extended or PacketType.NoService, $"type {(char)pk[1]} in a bulk stream");
                        if (abandon) break; // close in the middle of a stream
                        pk = Read(s);
                        Assert.NotNull(pk);
                    }
                    if (abandon) break;
                    Assert.Equal(0, ProtocolFuzzer.ErrnoOf(pk));
                    continue;
                }
                // Subscribed: send garbage (ignored), maybe read an event, then close.
                Assert.Equal(PacketType.Subscribed, first[1]);
                subscriptions++;
                var junk = new byte[rng.Next(1, 600)];
                rng.NextBytes(junk);
                s.Send(junk);
                if (rng.Next(3) == 0) Perp.Send(tb.Path, ids[0], 'u'); // an event (WantUp)
                break;
            }
        }
        output.WriteLine($"{requests} requests, {streams} bulk streams, {subscriptions} subscriptions");
        Assert.True(subscriptions > 20 && streams > 20, "the random mix reached each request type");
        Assert.False(daemon.HasExited);

        // Afterwards: correct answers, and no descriptor left behind by the closed connections.
        using (var c = ControlClient.ConnectToBase(tb.Path, TimeSpan.FromSeconds(10)))
        {
            var all = new List<ExtendedStatus>();
            Assert.True(c.TryListAll(all));
            Assert.Equal(ids.OrderBy(i => i.Inode), all.Select(a => a.Id).OrderBy(i => i.Inode));
            Assert.Equal(ReplyKind.Status, c.Query(ids[3]).Kind);
            // O changes a flag and nothing else: every service still runs.
            Assert.All(all, st => Assert.True(st.Status.Main.IsRunning, $"{st.Id} stopped"));
        }
        Wait.Until(() => ProcFs.FdCount(daemon.Pid) <= fdsBefore, $"perpd's descriptors back to {fdsBefore} (now {ProcFs.FdCount(daemon.Pid)})");
    }

    private static byte[]? Read(Socket s)
    {
        var h = new byte[3];
        if (!Exactly(s, h)) return null;
        var p = new byte[3 + h[2]];
        h.CopyTo(p, 0);
        return Exactly(s, p.AsSpan(3)) ? p : null;
    }

    private static bool Exactly(Socket s, Span<byte> b)
    {
        while (!b.IsEmpty)
        {
            int n = s.Receive(b);
            if (n == 0) return false;
            b = b[n..];
        }
        return true;
    }
}
