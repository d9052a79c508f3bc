using PerpPS.Core.Protocol;

namespace PerpPS.Core.Tests;

public class PacketTests
{
    [Fact]
    public void Query_bytes_match_perps_capture()
    {
        // "Q request : 02 51 10 fe00000000000000 43e5b10000000000" (spec §16.8)
        var buffer = new byte[Packet.MaxSize];
        int n = Packet.WriteQuery(buffer, new ServiceId(0xfe, 0xb1e543));
        Assert.Equal(Convert.FromHexString("025110fe0000000000000043e5b10000000000"), buffer[..n]);
    }

    [Fact]
    public void Command_carries_letter_and_flags_after_dev_ino()
    {
        var buffer = new byte[Packet.MaxSize];
        int n = Packet.WriteCommand(buffer, new ServiceId(1, 2), ControlCommand.Kill,
            CommandFlags.Log | CommandFlags.KillProcessGroup);
        Assert.Equal(21, n);
        Assert.Equal(Convert.FromHexString("024312" + "0100000000000000" + "0200000000000000" + "6b" + "03"), buffer[..n]);
    }

    [Theory]
    [InlineData("0245045f000000", 95)]   // Y → EOPNOTSUPP
    [InlineData("02450447000000", 71)]   // bad command → EPROTO
    [InlineData("02450402000000", 2)]    // unknown C → ENOENT
    [InlineData("02450414000000", 20)]   // unknown Q → ENOTDIR
    [InlineData("02450400000000", 0)]
    public void Error_replies_carry_little_endian_errno(string hex, int errno)
    {
        var reply = Reply.Parse(Convert.FromHexString(hex));
        Assert.Equal(ReplyKind.Error, reply.Kind);
        Assert.Equal(errno, reply.Errno);
        Assert.Equal(errno == 0, reply.IsSuccess);
        var again = new byte[Packet.ErrorSize];
        Packet.WriteError(again, errno);
        Assert.Equal(Convert.FromHexString(hex), again);
    }

    [Theory]
    [InlineData("07450400000000", ReplyKind.BadProtocol)]
    [InlineData("025a0400000000", ReplyKind.BadType)]
    [InlineData("024503000000", ReplyKind.BadType)]   // E with the wrong length
    [InlineData("0245", ReplyKind.BadProtocol)]
    public void Odd_replies_are_classified_as_perps_clients_do(string hex, ReplyKind kind)
    {
        Assert.Equal(kind, Reply.Parse(Convert.FromHexString(hex)).Kind);
    }

    [Fact]
    public void Expected_length_needs_the_header()
    {
        Assert.Equal(0, Packet.ExpectedLength(new byte[] { 2, (byte)'Q' }));
        Assert.Equal(19, Packet.ExpectedLength(new byte[] { 2, (byte)'Q', 16 }));
    }

    [Fact]
    public void Command_letters_map_to_perps_signals()
    {
        Assert.Equal(14, ControlCommand.SignalOf((byte)'a'));
        Assert.Equal(28, ControlCommand.SignalOf((byte)'w'));
        Assert.Equal(10, ControlCommand.SignalOf((byte)'1'));
        Assert.Equal(12, ControlCommand.SignalOf((byte)'2'));
        Assert.True(ControlCommand.IsKnown((byte)'D'));
        Assert.False(ControlCommand.IsKnown((byte)'Z'));
        Assert.False(ControlCommand.IsKnown((byte)'A'));   // client-side only
    }
}
