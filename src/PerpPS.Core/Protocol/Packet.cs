using System.Buffers.Binary;

namespace PerpPS.Core.Protocol;

/// <summary>
/// The v2 packet framing: version byte (2), type byte, payload length byte, payload
/// (spec §5.2). Encoders write into a caller's span and return the packet length, so
/// neither side allocates per request.
/// </summary>
public static class Packet
{
    public const byte Version = 2;
    public const int HeaderSize = 3;
    public const int MaxSize = HeaderSize + 255;
    public const int QuerySize = HeaderSize + ServiceId.Size;
    public const int CommandSize = HeaderSize + ServiceId.Size + 2;
    public const int StatusSize = HeaderSize + StatusRecord.Size;
    public const int ErrorSize = HeaderSize + 4;

    public static int WriteQuery(Span<byte> d, ServiceId id)
    {
        WriteHeader(d, PacketType.Query, ServiceId.Size);
        id.Write(d[HeaderSize..]);
        return QuerySize;
    }

    public static int WriteCommand(Span<byte> d, ServiceId id, byte command, CommandFlags flags)
    {
        WriteHeader(d, PacketType.Command, ServiceId.Size + 2);
        id.Write(d[HeaderSize..]);
        d[HeaderSize + 16] = command;
        d[HeaderSize + 17] = (byte)flags;
        return CommandSize;
    }

    public static int WriteStatus(Span<byte> d, in StatusRecord status)
    {
        WriteHeader(d, PacketType.Status, StatusRecord.Size);
        status.Write(d[HeaderSize..]);
        return StatusSize;
    }

    public static int WriteError(Span<byte> d, int errno)
    {
        WriteHeader(d, PacketType.Error, 4);
        BinaryPrimitives.WriteUInt32LittleEndian(d[HeaderSize..], (uint)errno);
        return ErrorSize;
    }

    /// <summary>
    /// The total size of the packet that starts <paramref name="buffer"/>, or 0 while fewer
    /// than the 3 header bytes have arrived.
    /// </summary>
    public static int ExpectedLength(ReadOnlySpan<byte> buffer) =>
        buffer.Length < HeaderSize ? 0 : HeaderSize + buffer[2];

    private static void WriteHeader(Span<byte> d, byte type, byte length)
    {
        d[0] = Version;
        d[1] = type;
        d[2] = length;
    }
}
