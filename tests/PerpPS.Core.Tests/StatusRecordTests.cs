using PerpPS.Core.Protocol;

namespace PerpPS.Core.Tests;

public class StatusRecordTests
{
    // The reply perp 2.07 sent for "sleeper" with a log (spec §5.4), header included.
    private const string ObservedReply =
        "025342" + "0e400000" + "400000006b032fd10e6448e0" + "400000006b032fd10e67fbc4" + "03" + "00" +
        "e3440000" + "400000006b032ffe00dd03e1" + "00" + "00" + "e2440000" + "400000006b032ffe00db782b" + "01" + "00";

    [Fact]
    public void Observed_perp_reply_parses_field_by_field()
    {
        var reply = Reply.Parse(Convert.FromHexString(ObservedReply));
        Assert.Equal(ReplyKind.Status, reply.Kind);
        var s = reply.Status;
        Assert.Equal(16398u, s.DaemonPid);
        Assert.Equal(ServiceFlags.Active | ServiceFlags.HasLog, s.Flags);
        Assert.Equal(17635u, s.Main.Pid);
        Assert.Equal(SubserviceFlags.None, s.Main.Flags);
        Assert.Equal(17634u, s.Log.Pid);
        Assert.Equal(SubserviceFlags.IsLog, s.Log.Flags);
        Assert.Equal(new Tai64N(0x400000006b032ffeUL, 0x00dd03e1u), s.Main.When);
    }

    [Fact]
    public void Writing_the_parsed_record_gives_back_the_same_bytes()
    {
        var bytes = Convert.FromHexString(ObservedReply);
        var s = Reply.Parse(bytes).Status;
        var again = new byte[Packet.StatusSize];
        Assert.Equal(Packet.StatusSize, Packet.WriteStatus(again, s));
        Assert.Equal(bytes, again);
    }

    [Fact]
    public void A_service_without_log_has_zero_log_bytes_whatever_the_log_fields_hold()
    {
        var s = new StatusRecord(1, Tai64N.FromUnix(5, 0), Tai64N.FromUnix(6, 0), ServiceFlags.Active,
            new SubserviceStatus(42, Tai64N.FromUnix(7, 0), SubserviceFlags.IsOnce),
            new SubserviceStatus(99, Tai64N.FromUnix(8, 0), SubserviceFlags.IsLog));
        var bytes = new byte[StatusRecord.Size];
        s.Write(bytes);
        Assert.All(bytes[48..66], b => Assert.Equal(0, b));
        Assert.Equal(0, bytes[29]);
        Assert.Equal((byte)SubserviceFlags.IsOnce, bytes[46]);
    }

    [Fact]
    public void Reading_a_short_record_is_refused()
    {
        Assert.Throws<ArgumentException>(() => StatusRecord.Read(new byte[65]));
    }
}
