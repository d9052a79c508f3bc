using PerpPS.Core.Protocol;

namespace PerpPS.Core.Tests;

/// <summary>The extension's byte layouts (docs/protocol-extensions.md), pinned byte for byte.</summary>
public class ExtensionPacketTests
{
    private static readonly ServiceId Id = new(0xfe, 0xb1e543);

    [Fact]
    public void Extended_query_is_X_with_a_dev_ino()
    {
        var b = new byte[Packet.MaxSize];
        int n = ExtensionPacket.WriteExtendedQuery(b, Id);
        Assert.Equal(Convert.FromHexString("025810fe0000000000000043e5b10000000000"), b[..n]);
    }

    [Fact]
    public void List_and_subscribe_carry_a_flags_byte_and_up_to_15_ids()
    {
        var b = new byte[Packet.MaxSize];
        Assert.Equal(Convert.FromHexString("024c0100"), b[..ExtensionPacket.WriteList(b, default)]);
        int n = ExtensionPacket.WriteSubscribe(b, new[] { Id, new ServiceId(1, 2) });
        Assert.Equal(Convert.FromHexString("025721" + "00" + "fe0000000000000043e5b10000000000" + "01000000000000000200000000000000"), b[..n]);
        var ids = Enumerable.Range(0, 15).Select(i => new ServiceId(1, (ulong)i)).ToArray();
        Assert.Equal(3 + 241, ExtensionPacket.WriteList(b, ids));
        Assert.Throws<ArgumentException>(() => ExtensionPacket.WriteList(b, new ServiceId[16]));
    }

    [Theory]
    [InlineData(0, false)]
    [InlineData(1, true)]
    [InlineData(16, false)]
    [InlineData(17, true)]
    [InlineData(241, true)]
    [InlineData(240, false)]
    public void Id_payloads_must_be_a_flags_byte_plus_whole_ids(int length, bool valid)
    {
        Assert.Equal(valid, ExtensionPacket.TryReadIds(new byte[length], out int count));
        if (valid) Assert.Equal((length - 1) / 16, count);
    }

    private static ExtendedStatus Sample() => new(
        Id,
        new StatusRecord(4242, Tai64N.FromUnix(1000, 1), Tai64N.FromUnix(2000, 2), ServiceFlags.Active | ServiceFlags.HasLog,
            new SubserviceStatus(17, Tai64N.FromUnix(3000, 3), SubserviceFlags.None),
            new SubserviceStatus(18, Tai64N.FromUnix(4000, 4), SubserviceFlags.IsLog)),
        ExtendedStatus.CurrentVersion,
        0x0102030405060708,
        new SubserviceExtension(ExitKind.Killed, 9, PolicyFlags.Ready, 5, 3, 2, 17, Tai64N.FromUnix(5000, 5),
            1_500_000_000, 250, 1, 4, 123456, ExtensionFields.Cgroup),
        new SubserviceExtension(ExitKind.Exited, 3, PolicyFlags.None, 1, 1, 0, 18, Tai64N.FromUnix(6000, 6),
            42, 0, 0, 0, 0, ExtensionFields.None));

    [Fact]
    public void Extended_record_layout_is_v2_record_after_the_id_then_the_blocks()
    {
        var b = new byte[Packet.MaxSize];
        var s = Sample();
        int n = ExtensionPacket.WriteExtended(b, s);
        Assert.Equal(3 + 222, n);
        Assert.Equal(new byte[] { 2, (byte)'x', 222 }, b[..3]);
        var p = b.AsSpan(3, 222);
        // The v2 record sits unchanged at 16..81.
        var v2 = new byte[StatusRecord.Size];
        s.Status.Write(v2);
        Assert.Equal(v2, p.Slice(16, 66).ToArray());
        Assert.Equal(1, p[82]);       // version
        Assert.Equal(64, p[83]);      // block size
        Assert.Equal(Convert.FromHexString("0807060504030201"), p.Slice(86, 8).ToArray());
        var main = p.Slice(94, 64);
        Assert.Equal((byte)ExitKind.Killed, main[0]);
        Assert.Equal(9, main[1]);
        Assert.Equal(Convert.FromHexString("0100" + "05000000" + "03000000" + "02000000" + "11000000"), main.Slice(2, 18).ToArray());
        Assert.Equal(Convert.FromHexString("4000000000001392" + "00000005"), main.Slice(20, 12).ToArray()); // tain of 5000 s
        Assert.Equal(BitConverter.GetBytes(1_500_000_000UL), main.Slice(32, 8).ToArray());
        Assert.Equal(Convert.FromHexString("02000000"), main.Slice(60, 4).ToArray());
        Assert.True(ExtendedStatus.TryRead(p, out var back));
        Assert.Equal(s, back);
    }

    [Fact]
    public void A_service_without_log_has_an_all_zero_log_block()
    {
        var s = Sample() with { Status = Sample().Status with { Flags = ServiceFlags.Active } };
        var p = new byte[ExtendedStatus.Size];
        s.Write(p);
        Assert.All(p[158..222], x => Assert.Equal(0, x));
    }

    [Fact]
    public void Readers_skip_bytes_of_a_larger_block_and_zero_fill_a_shorter_one()
    {
        var s = Sample();
        var p = new byte[ExtendedStatus.Size];
        s.Write(p);
        // A later version with 80-byte blocks: the same first 64 bytes, then 16 unknown ones.
        var grown = new byte[94 + 160];
        p.AsSpan(0, 94).CopyTo(grown);
        grown[82] = 2;
        grown[83] = 80;
        p.AsSpan(94, 64).CopyTo(grown.AsSpan(94));
        p.AsSpan(158, 64).CopyTo(grown.AsSpan(174));
        grown.AsSpan(158, 16).Fill(0xee);
        Assert.True(ExtendedStatus.TryRead(grown, out var g));
        Assert.Equal(s.Main, g.Main);
        Assert.Equal(s.Log, g.Log);
        Assert.Equal(2, g.Version);
        // A too-short payload, or version 0, is not an extended record.
        Assert.False(ExtendedStatus.TryRead(p.AsSpan(0, 93), out _));
        p[82] = 0;
        Assert.False(ExtendedStatus.TryRead(p, out _));
    }

    [Fact]
    public void Exit_helpers_say_code_signal_or_nothing()
    {
        var killed = Sample().Main;
        Assert.Null(killed.ExitCode);
        Assert.Equal(9, killed.Signal);
        Assert.Equal(TimeSpan.FromSeconds(1.5), killed.LastRunTime);
        var exited = Sample().Log;
        Assert.Equal(3, exited.ExitCode);
        Assert.Null(exited.Signal);
        Assert.Null(default(SubserviceExtension).LastRunTime);
        Assert.Null((killed with { LastExitKind = ExitKind.Unknown }).Signal);
        Assert.False(ExtendedStatus.FromV2(Id, Sample().Status).HasExtension);
    }

    [Fact]
    public void Event_record_layout()
    {
        var e = new PerpEvent(7, Id, Tai64N.FromUnix(5000, 5), EventKind.Exited, EventTarget.Log, ExitKind.Killed, 9, 1234, 1500);
        var b = new byte[Packet.MaxSize];
        int n = ExtensionPacket.WriteEvent(b, e);
        Assert.Equal(51, n);
        Assert.Equal(Convert.FromHexString(
            "027630" + "0700000000000000" + "fe0000000000000043e5b10000000000" + "400000000000139200000005"
            + "05" + "01" + "02" + "09" + "d2040000" + "dc050000"), b[..n]);
        Assert.Equal(e, PerpEvent.Read(b.AsSpan(3)));
    }

    [Fact]
    public void Subscribed_and_no_service_replies()
    {
        var b = new byte[Packet.MaxSize];
        int n = ExtensionPacket.WriteSubscribed(b, new SubscriptionInfo(9, 64));
        Assert.Equal(Convert.FromHexString("02770c" + "0900000000000000" + "4000" + "0000"), b[..n]);
        Assert.Equal(new SubscriptionInfo(9, 64), SubscriptionInfo.Read(b.AsSpan(3)));
        n = ExtensionPacket.WriteNoService(b, Id, 20);
        Assert.Equal(Convert.FromHexString("026e14" + "fe0000000000000043e5b10000000000" + "14000000"), b[..n]);
    }
}
