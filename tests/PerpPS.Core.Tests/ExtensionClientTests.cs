using System.Net.Sockets;
using PerpPS.Core.Client;
using PerpPS.Core.Posix;
using PerpPS.Core.Protocol;

namespace PerpPS.Core.Tests;

/// <summary>
/// ControlClient's extension calls against stand-ins on real sockets: one that speaks only v2
/// (perp 2.07: EPROTO to every new type) and one that speaks the extension.
/// </summary>
public class ExtensionClientTests
{
    private static readonly TimeSpan T = TimeSpan.FromSeconds(5);
    private static readonly ServiceId Id = new(0xfe, 0xb1e543);

    private static StatusRecord V2Record(uint pid) => new(4242, Tai64N.FromUnix(1000, 0), Tai64N.FromUnix(2000, 0), ServiceFlags.Active,
        new SubserviceStatus(pid, Tai64N.FromUnix(3000, 0), SubserviceFlags.None), default);

    private static byte[] StatusPacket(uint pid)
    {
        var b = new byte[Packet.StatusSize];
        Packet.WriteStatus(b, V2Record(pid));
        return b;
    }

    private static byte[] ExtendedPacket(ServiceId id, uint pid, uint restarts)
    {
        var b = new byte[ExtensionPacket.ExtendedSize];
        ExtensionPacket.WriteExtended(b, new ExtendedStatus(id, V2Record(pid), 1, 77,
            new SubserviceExtension(ExitKind.Exited, 3, 0, restarts, restarts, 1, pid, Tai64N.FromUnix(2999, 0), 5, 0, 0, 0, 0, 0), default));
        return b;
    }

    private static byte[] Errno(int e) => [2, (byte)'E', 4, (byte)e, 0, 0, 0];

    /// <summary>A stub perpd answering every request with <see cref="Table"/>.</summary>
    private static StubPerpd ServingTable(uint n, bool descending) => new((req, s) =>
    {
        s.Send(Table(n, descending));
        return true;
    });

    /// <summary>Ids 1..n (dev 1), then the extra inos in order (repeats and unknown ones).</summary>
    private static ServiceId[] Ids(int n, params ulong[] extra) =>
        Enumerable.Range(1, n).Select(i => new ServiceId(1, (ulong)i)).Concat(extra.Select(i => new ServiceId(1, i))).ToArray();

    /// <summary>An L stream of services 1..n (dev 1, ino i, main's pid i), in either order, ending E 0.</summary>
    private static byte[] Table(uint n, bool descending)
    {
        var all = new List<byte>();
        for (uint k = 1; k <= n; k++)
        {
            uint i = descending ? n + 1 - k : k;
            all.AddRange(ExtendedPacket(new ServiceId(1, i), i, 0));
        }
        all.AddRange(Errno(0));
        return all.ToArray();
    }

    private static byte[] EventPacket(ulong seq, ServiceId id, EventKind kind)
    {
        var b = new byte[ExtensionPacket.EventSize];
        ExtensionPacket.WriteEvent(b, new PerpEvent(seq, id, Tai64N.Now(), kind, EventTarget.Main, ExitKind.Killed, 9, 99, 0));
        return b;
    }

    [Fact]
    public void Extended_query_against_a_v2_perpd_falls_back_to_Q_once_per_connection()
    {
        using var stub = new StubPerpd(StubPerpd.V2Only(StatusPacket(17)));
        using var c = ControlClient.ConnectToBase(stub.Base, T);
        var r = c.QueryExtended(Id);
        Assert.Equal(ReplyKind.Status, r.Kind);
        Assert.False(r.Status.HasExtension);
        Assert.Equal(17u, r.Status.Status.Main.Pid);
        Assert.Equal(ExtensionSupport.NotSupported, c.Extensions);
        r = c.QueryExtended(Id);
        Assert.Equal(17u, r.Status.Status.Main.Pid);
        Assert.Equal("XQQ", stub.Types);
        // Without fallback the answer is perp's EPROTO.
        Assert.Equal(PerpPS.Core.Posix.Errno.EPROTO, c.QueryExtended(Id, fallback: false).Errno);
    }

    [Fact]
    public void Extended_query_against_an_extended_perpd_reads_the_record()
    {
        using var stub = new StubPerpd((req, s) =>
        {
            s.Send(req[1] == (byte)'X' ? ExtendedPacket(ServiceId.Read(req.AsSpan(3)), 17, 4) : Errno(71));
            return true;
        });
        using var c = ControlClient.ConnectToBase(stub.Base, T);
        var r = c.QueryExtended(Id);
        Assert.True(r.Status.HasExtension);
        Assert.Equal(Id, r.Status.Id);
        Assert.Equal(4u, r.Status.Main.Restarts);
        Assert.Equal(3, r.Status.Main.ExitCode);
        Assert.Equal(77u, r.Status.EventSequence);
        Assert.Equal(ExtensionSupport.Supported, c.Extensions);
        Assert.Equal("X", stub.Types);
    }

    [Fact]
    public void Extended_query_of_an_unknown_service_is_ENOTDIR_not_a_fallback()
    {
        using var stub = new StubPerpd((req, s) => { s.Send(Errno(20)); return true; });
        using var c = ControlClient.ConnectToBase(stub.Base, T);
        var r = c.QueryExtended(Id);
        Assert.Equal(ReplyKind.Error, r.Kind);
        Assert.Equal(PerpPS.Core.Posix.Errno.ENOTDIR, r.Errno);
        Assert.Equal(ExtensionSupport.Supported, c.Extensions);
        Assert.Equal("X", stub.Types);
    }

    [Fact]
    public void Bulk_list_reads_a_stream_to_the_closing_E_0()
    {
        using var stub = new StubPerpd((req, s) =>
        {
            Assert.Equal((byte)'L', req[1]);
            var all = new List<byte>();
            for (uint i = 1; i <= 3; i++) all.AddRange(ExtendedPacket(new ServiceId(1, i), 100 + i, i));
            all.AddRange(Errno(0));
            // In odd-sized pieces: the client must reassemble packets across reads.
            var bytes = all.ToArray();
            for (int o = 0; o < bytes.Length; o += 97) s.Send(bytes, o, Math.Min(97, bytes.Length - o), SocketFlags.None);
            return true;
        });
        using var c = ControlClient.ConnectToBase(stub.Base, T);
        var list = new List<ExtendedStatus>();
        Assert.True(c.TryListAll(list));
        Assert.Equal(new uint[] { 101, 102, 103 }, list.Select(s => s.Status.Main.Pid));
        Assert.Equal(new ServiceId(1, 3), list[2].Id);
    }

    [Fact]
    public void A_query_after_a_bulk_list_reads_its_own_reply_not_the_streams_bytes()
    {
        // The stream arrives in one piece (read ahead in one read); the Q after it on the same
        // connection must get the S perpd sends for it, nothing left over from the stream.
        using var stub = new StubPerpd((req, s) =>
        {
            if (req[1] == (byte)'L')
            {
                var all = new List<byte>();
                for (uint i = 1; i <= 40; i++) all.AddRange(ExtendedPacket(new ServiceId(1, i), 100 + i, i));
                all.AddRange(Errno(0));
                s.Send(all.ToArray());
            }
            else
            {
                s.Send(StatusPacket(4242));
            }
            return true;
        });
        using var c = ControlClient.ConnectToBase(stub.Base, T);
        var list = new List<ExtendedStatus>();
        Assert.True(c.TryListAll(list));
        Assert.Equal(40, list.Count);
        Assert.Equal(140u, list[39].Status.Main.Pid);
        var reply = c.Query(Id);
        Assert.Equal(ReplyKind.Status, reply.Kind);
        Assert.Equal(4242u, reply.Status.Main.Pid);
        Assert.True(c.TryListAll(list));
        Assert.Equal(80, list.Count);
        Assert.Equal("LQL", stub.Types);
    }

    [Fact]
    public void Bulk_list_of_ids_gives_an_errno_for_the_unknown_ones()
    {
        using var stub = new StubPerpd((req, s) =>
        {
            var known = ServiceId.Read(req.AsSpan(4));
            var unknown = ServiceId.Read(req.AsSpan(20));
            var nb = new byte[ExtensionPacket.NoServiceSize];
            ExtensionPacket.WriteNoService(nb, unknown, 20);
            s.Send([.. ExtendedPacket(known, 5, 0), .. nb, .. Errno(0)]);
            return true;
        });
        using var c = ControlClient.ConnectToBase(stub.Base, T);
        var results = c.QueryMany(new[] { new ServiceId(1, 1), new ServiceId(1, 2) });
        Assert.Equal(ReplyKind.Status, results[0].Kind);
        Assert.Equal(ReplyKind.Error, results[1].Kind);
        Assert.Equal(20, results[1].Errno);
        Assert.Equal("L", stub.Types);
    }

    [Fact]
    public void Query_many_of_200_is_one_bulk_request_matched_by_dev_ino()
    {
        using var stub = new StubPerpd((req, s) =>
        {
            Assert.Equal(4, req.Length); // L for every service
            s.Send(Table(200, descending: true));
            return true;
        });
        using var c = ControlClient.ConnectToBase(stub.Base, T);
        var ids = Enumerable.Range(1, 201).Select(i => new ServiceId(1, (ulong)i)).ToArray();
        var results = c.QueryMany(ids);
        for (int i = 0; i < 200; i++) Assert.Equal((uint)(i + 1), results[i].Status.Status.Main.Pid);
        Assert.Equal(PerpPS.Core.Posix.Errno.ENOTDIR, results[200].Errno); // not in perpd: what Q says
        Assert.Equal("L", stub.Types);
    }

    [Fact]
    public void Query_many_sends_the_list_flags_with_ids_and_for_all()
    {
        using var stub = new StubPerpd((req, s) =>
        {
            s.Send(Errno(0)); // an empty stream: every id is then unknown
            return true;
        });
        using var c = ControlClient.ConnectToBase(stub.Base, T);
        c.QueryMany(new[] { new ServiceId(1, 1) }, ListFlags.NoCgroupFigures);
        c.QueryMany(Enumerable.Range(1, 20).Select(i => new ServiceId(1, (ulong)i)).ToArray(), ListFlags.NoCgroupFigures);
        c.QueryMany(new[] { new ServiceId(1, 1) });
        Assert.Equal("LLL", stub.Types);
        Assert.Equal(new byte[] { 1, 1, 0 }, stub.Requests.Select(r => r[3]).ToArray());
        Assert.Equal(4, stub.Requests[1].Length); // more than 15: L for every service
    }

    [Fact]
    public void Query_many_gives_an_id_asked_twice_its_status_in_both_places()
    {
        // Two names of one directory (a symlink) are one service to perpd.
        using var stub = ServingTable(20, descending: false);
        using var c = ControlClient.ConnectToBase(stub.Base, T);
        var ids = Ids(20, 7, 99, 99);
        var results = c.QueryMany(ids);
        Assert.Equal(7u, results[20].Status.Status.Main.Pid);
        Assert.Equal(7u, results[6].Status.Status.Main.Pid);
        Assert.Equal(PerpPS.Core.Posix.Errno.ENOTDIR, results[21].Errno);
        Assert.Equal(PerpPS.Core.Posix.Errno.ENOTDIR, results[22].Errno);
        Assert.Equal("L", stub.Types);
    }

    [Fact]
    public void Query_many_into_a_sink_hands_each_index_one_reply_as_the_array_has_it()
    {
        using var stub = ServingTable(20, descending: true);
        using var c = ControlClient.ConnectToBase(stub.Base, T);
        var ids = Ids(20, 3, 50, 50);
        var got = new ExtendedReply[ids.Length];
        var calls = new int[ids.Length];
        c.QueryMany(ids, ListFlags.None, (int i, in ExtendedReply r) => { got[i] = r; calls[i]++; });
        Assert.All(calls, n => Assert.Equal(1, n));
        Assert.Equal(c.QueryMany(ids), got);
        Assert.Equal(3u, got[20].Status.Status.Main.Pid);
        Assert.Equal(PerpPS.Core.Posix.Errno.ENOTDIR, got[22].Errno);
    }

    [Fact]
    public void Query_many_against_a_v2_perpd_is_one_Q_per_service()
    {
        using var stub = new StubPerpd(StubPerpd.V2Only(StatusPacket(9)));
        using var c = ControlClient.ConnectToBase(stub.Base, T);
        var ids = Enumerable.Range(1, 20).Select(i => new ServiceId(1, (ulong)i)).ToArray();
        var results = c.QueryMany(ids);
        Assert.All(results, r => { Assert.Equal(ReplyKind.Status, r.Kind); Assert.False(r.Status.HasExtension); });
        Assert.Equal("L" + new string('Q', 20), stub.Types);
        var list = new List<ExtendedStatus>();
        Assert.False(c.TryListAll(list)); // known unsupported: nothing sent
        Assert.Empty(list);
        Assert.Equal(21, stub.Requests.Length);
    }

    [Fact]
    public void Subscribe_against_a_v2_perpd_is_null_and_the_client_still_works()
    {
        using var stub = new StubPerpd(StubPerpd.V2Only(StatusPacket(3)));
        using var c = ControlClient.ConnectToBase(stub.Base, T);
        Assert.Null(c.Subscribe());
        Assert.Equal(3u, c.Query(Id).Status.Main.Pid);
        Assert.Equal("WQ", stub.Types);
    }

    [Fact]
    public void A_refused_subscription_says_why()
    {
        using var stub = new StubPerpd((req, s) => { s.Send(Errno(87)); return true; });
        var e = Assert.Throws<ControlException>(() => EventSubscription.Open(stub.Base, default, T));
        Assert.Equal(ControlStage.Subscribe, e.Stage);
        Assert.Equal(PerpPS.Core.Posix.Errno.EUSERS, e.Errno);
        Assert.Contains("too many users (EUSERS)", e.Message);
    }

    [Fact]
    public async Task Events_arrive_without_polling_timeouts_and_cancellation_return_false_and_EOF_closes()
    {
        using var release = new ManualResetEventSlim();
        using var stub = new StubPerpd((req, s) =>
        {
            var w = new byte[ExtensionPacket.SubscribedSize];
            ExtensionPacket.WriteSubscribed(w, new SubscriptionInfo(41, 64));
            s.Send(w);
            var two = EventPacket(42, Id, EventKind.Exited).Concat(EventPacket(43, new ServiceId(9, 9), EventKind.Started)).ToArray();
            s.Send(two, 0, 30, SocketFlags.None); // a packet split across reads
            Thread.Sleep(50);
            s.Send(two, 30, two.Length - 30, SocketFlags.None);
            release.Wait(TimeSpan.FromSeconds(10));
            return false; // closes: the subscriber sees EOF
        });
        using var sub = EventSubscription.Open(stub.Base, new[] { Id }, T)!;
        Assert.Equal(41u, sub.StartSequence);
        Assert.Equal(64, sub.BufferedEvents);
        Assert.True(sub.TryRead(out var e1, T));
        Assert.Equal(42u, e1.Sequence);
        Assert.Equal(EventKind.Exited, e1.Kind);
        Assert.Equal(9, e1.ExitValue);
        Assert.True(sub.TryRead(out var e2, T));
        Assert.Equal(43u, e2.Sequence); // one id: perpd filters, the client passes what comes
        Assert.False(sub.TryRead(out _, TimeSpan.FromMilliseconds(50)));
        using var cts = new CancellationTokenSource();
        var reader = Task.Run(() => sub.TryRead(out _, Timeout.InfiniteTimeSpan, cts.Token));
        Thread.Sleep(50);
        cts.Cancel();
        Assert.False(await reader.WaitAsync(T)); // cancellation ends an infinite wait
        Assert.False(sub.IsClosed);
        release.Set();
        Assert.False(sub.TryRead(out _, T));
        Assert.True(sub.IsClosed);
    }

    [Fact]
    public void More_than_15_ids_subscribe_to_all_and_filter_in_the_client()
    {
        var ids = Enumerable.Range(1, 16).Select(i => new ServiceId(1, (ulong)i)).ToArray();
        using var stub = new StubPerpd((req, s) =>
        {
            Assert.Equal(4, req.Length); // W with no ids
            var w = new byte[ExtensionPacket.SubscribedSize];
            ExtensionPacket.WriteSubscribed(w, new SubscriptionInfo(0, 64));
            s.Send(w);
            s.Send(EventPacket(1, new ServiceId(2, 2), EventKind.Started));
            s.Send(EventPacket(2, new ServiceId(1, 16), EventKind.Started));
            var overflow = new byte[ExtensionPacket.EventSize];
            ExtensionPacket.WriteEvent(overflow, new PerpEvent(9, default, Tai64N.Now(), EventKind.Overflow, EventTarget.Service, 0, 0, 0, 6));
            s.Send(overflow);
            return true;
        });
        using var sub = EventSubscription.Open(stub.Base, ids, T)!;
        Assert.True(sub.TryRead(out var e, T));
        Assert.Equal(2u, e.Sequence);
        Assert.True(sub.TryRead(out e, T));
        Assert.Equal(EventKind.Overflow, e.Kind); // overflow always passes the filter
        Assert.Equal(6u, e.Detail);
    }
}
