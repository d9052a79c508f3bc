using System.Buffers.Binary;
using PerpPS.Core.Posix;
using PerpPS.Core.Protocol;

namespace PerpPS.Daemon.Tests;

/// <summary>The v2 control protocol as perpd serves it (spec §5).</summary>
public sealed class ProtocolTests
{
    private static byte[] Packet(byte version, char type, byte[] payload) =>
        [version, (byte)type, (byte)payload.Length, .. payload];

    private static byte[] IdBytes(string dir)
    {
        var b = new byte[16];
        Perp.Id(dir).Write(b);
        return b;
    }

    [Fact]
    public void Status_record_bytes_describe_the_service()
    {
        using var b = new TempBase();
        string dir = b.AddService("sleeper", Scripts.Forever, rcLog: "exec cat > /dev/null");
        string plain = b.AddService("plain", Scripts.Forever);
        var before = Tai64N.Now();
        using var d = DaemonProcess.Start(b.Path);
        int main = Perp.WaitMainUp(b.Path, "sleeper");
        int log = Perp.WaitLogUp(b.Path, "sleeper");
        Perp.WaitMainUp(b.Path, "plain");

        using var raw = RawClient.ConnectToBase(b.Path, TimeSpan.FromSeconds(10));
        raw.Send(Packet(2, 'Q', IdBytes(dir)));
        var r = raw.TryReadPacket()!;
        Assert.Equal(69, r.Length);
        Assert.Equal([2, (byte)'S', 66], r[..3]);
        var p = r.AsSpan(3);
        Assert.Equal((uint)d.Pid, BinaryPrimitives.ReadUInt32LittleEndian(p));
        var started = Tai64N.Read(p[4..]);
        var activated = Tai64N.Read(p[16..]);
        var now = Tai64N.Now();
        Assert.True(started >= before.AddNanoseconds(-1_000_000_000) && started <= now, $"perpd start {started}");
        Assert.True(activated >= started && activated <= now);
        Assert.Equal((byte)(ServiceFlags.Active | ServiceFlags.HasLog), p[28]);
        Assert.Equal(0, p[29]);
        Assert.Equal((uint)main, BinaryPrimitives.ReadUInt32LittleEndian(p[30..]));
        Assert.True(Tai64N.Read(p[34..]) >= activated);
        Assert.Equal(0, p[46]);
        Assert.Equal(0, p[47]);
        Assert.Equal((uint)log, BinaryPrimitives.ReadUInt32LittleEndian(p[48..]));
        Assert.Equal((byte)SubserviceFlags.IsLog, p[64]);
        Assert.Equal(0, p[65]);

        // Without a log, bytes 48..65 are zero.
        raw.Send(Packet(2, 'Q', IdBytes(plain)));
        var q = raw.TryReadPacket()!;
        Assert.Equal((byte)ServiceFlags.Active, q[3 + 28]);
        Assert.All(q[(3 + 48)..(3 + 66)], x => Assert.Equal(0, x));
    }

    [Fact]
    public void Malformed_requests_get_perps_errnos_and_the_daemon_keeps_serving()
    {
        using var b = new TempBase();
        string dir = b.AddService("svc", Scripts.Forever);
        using var d = DaemonProcess.Start(b.Path);
        Perp.WaitMainUp(b.Path, "svc");
        byte[] id = IdBytes(dir);
        byte[] unknown = new byte[16];
        unknown[0] = 0xfe; unknown[8] = 0x42;

        using var raw = RawClient.ConnectToBase(b.Path, TimeSpan.FromSeconds(10));
        (byte[] Request, int Errno)[] cases =
        [
            (Packet(2, 'Y', []), Errno.EOPNOTSUPP),                        // pidyank: never implemented
            (Packet(7, 'Q', id), Errno.EPROTO),                            // wrong version
            (Packet(2, 'Q', id[..15]), Errno.EPROTO),                      // wrong length
            (Packet(2, 'C', id), Errno.EPROTO),                            // C without command bytes
            (Packet(2, 'Z', id), Errno.EPROTO),                            // unknown type
            (Packet(2, 'C', [.. id, (byte)'Z', 0]), Errno.EPROTO),         // unknown command
            (Packet(2, 'C', [.. unknown, (byte)'u', 0]), Errno.ENOENT),    // unknown service, C
            (Packet(2, 'Q', unknown), Errno.ENOTDIR),                      // unknown service, Q
            ([.. Packet(2, 'Q', id), .. Packet(2, 'Q', id)], Errno.EPROTO), // pipelined (edge case 24)
        ];
        foreach (var (request, errno) in cases)
        {
            raw.Send(request);
            var reply = raw.TryReadPacket();
            Assert.NotNull(reply);
            Assert.Equal([2, (byte)'E', 4], reply![..3]);
            Assert.Equal((uint)errno, BinaryPrimitives.ReadUInt32LittleEndian(reply.AsSpan(3)));
        }
        // The same connection and new ones still work.
        raw.Send(Packet(2, 'Q', id));
        Assert.Equal((byte)'S', raw.TryReadPacket()![1]);
        Assert.True(Perp.Status(b.Path, "svc").Main.IsRunning);
    }

    [Fact]
    public void Requests_arriving_in_pieces_are_assembled()
    {
        using var b = new TempBase();
        string dir = b.AddService("svc", Scripts.Forever);
        using var d = DaemonProcess.Start(b.Path);
        Perp.WaitMainUp(b.Path, "svc");
        using var raw = RawClient.ConnectToBase(b.Path, TimeSpan.FromSeconds(10));
        var q = Packet(2, 'Q', IdBytes(dir));
        raw.Send(q.AsSpan(..2));
        Thread.Sleep(50);
        raw.Send(q.AsSpan(2..10));
        Thread.Sleep(50);
        raw.Send(q.AsSpan(10..));
        Assert.Equal((byte)'S', raw.TryReadPacket()![1]);
    }

    [Fact]
    public void Idle_client_is_closed_after_eight_seconds()
    {
        using var b = new TempBase();
        using var d = DaemonProcess.Start(b.Path);
        // Started before the connection: the measured time is never shorter than the client's
        // real age, so a slow machine cannot make this lower bound fail (only pass later).
        var sw = System.Diagnostics.Stopwatch.StartNew();
        using var raw = RawClient.ConnectToBase(b.Path, TimeSpan.FromSeconds(10));
        Assert.True(raw.WaitForClose());
        Assert.True(sw.Elapsed.TotalSeconds >= 7, $"closed after {sw.Elapsed.TotalSeconds:F1}s");
        d.WaitForLine($"warning: perpd[{d.Pid}]: closing stale client connection");
    }

    [Fact]
    public void Client_beyond_the_limit_is_accepted_and_closed()
    {
        using var b = new TempBase();
        string dir = b.AddService("svc", Scripts.Forever);
        using var d = DaemonProcess.Start(b.Path);
        Perp.WaitMainUp(b.Path, "svc");
        var clients = new List<RawClient>();
        try
        {
            for (int i = 0; i < 20; i++) clients.Add(RawClient.ConnectToBase(b.Path, TimeSpan.FromSeconds(10)));
            d.WaitForLine("monitoring 20 client connections");
            using var extra = RawClient.ConnectToBase(b.Path, TimeSpan.FromSeconds(10));
            Assert.True(extra.WaitForClose());
            d.WaitForLine($"warning: perpd[{d.Pid}]: too many client connections");
            // The twenty are still served.
            clients[19].Send(Packet(2, 'Q', IdBytes(dir)));
            Assert.Equal((byte)'S', clients[19].TryReadPacket()![1]);
        }
        finally
        {
            foreach (var c in clients) c.Dispose();
        }
    }
}
