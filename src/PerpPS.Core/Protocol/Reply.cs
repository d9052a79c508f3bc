using System.Buffers.Binary;

namespace PerpPS.Core.Protocol;

/// <summary>What a client makes of the bytes perpd answered.</summary>
public enum ReplyKind
{
    /// <summary>An S packet: <see cref="Reply.Status"/> is set.</summary>
    Status,
    /// <summary>An E packet: <see cref="Reply.Errno"/> is set (0 = success).</summary>
    Error,
    /// <summary>The version byte was not 2 ("unknown packet protocol in reply").</summary>
    BadProtocol,
    /// <summary>Any other type or a wrong length ("unknown packet type in reply").</summary>
    BadType,
}

/// <summary>A parsed reply from perpd.</summary>
public readonly record struct Reply(ReplyKind Kind, int Errno, StatusRecord Status)
{
    public bool IsSuccess => Kind == ReplyKind.Error && Errno == 0;

    /// <summary>Classifies a complete reply packet the way perp's clients do.</summary>
    public static Reply Parse(ReadOnlySpan<byte> packet)
    {
        if (packet.Length < Packet.HeaderSize || packet[0] != Packet.Version)
            return new Reply(ReplyKind.BadProtocol, 0, default);
        int length = packet[2];
        if (packet.Length < Packet.HeaderSize + length)
            return new Reply(ReplyKind.BadType, 0, default);
        var payload = packet.Slice(Packet.HeaderSize, length);
        return packet[1] switch
        {
            PacketType.Status when length == StatusRecord.Size =>
                new Reply(ReplyKind.Status, 0, StatusRecord.Read(payload)),
            PacketType.Error when length == 4 =>
                new Reply(ReplyKind.Error, (int)BinaryPrimitives.ReadUInt32LittleEndian(payload), default),
            _ => new Reply(ReplyKind.BadType, 0, default),
        };
    }
}
