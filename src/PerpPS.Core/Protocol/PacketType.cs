namespace PerpPS.Core.Protocol;

/// <summary>The type byte of a v2 packet (spec §5.2).</summary>
public static class PacketType
{
    /// <summary>Status query, client → perpd, 16-byte payload.</summary>
    public const byte Query = (byte)'Q';
    /// <summary>Control command, client → perpd, 18-byte payload.</summary>
    public const byte Command = (byte)'C';
    /// <summary>"pidyank": never implemented, answered ENOTSUP.</summary>
    public const byte PidYank = (byte)'Y';
    /// <summary>Status reply, 66-byte payload.</summary>
    public const byte Status = (byte)'S';
    /// <summary>Errno reply, 4-byte little-endian payload; 0 = success.</summary>
    public const byte Error = (byte)'E';
}
