using System.Buffers.Binary;

namespace PerpPS.Core.Protocol;

/// <summary>
/// Encoders of the protocol extension's packets (docs/protocol-extensions.md), v2 framing
/// throughout (version 2, type, length ≤ 255). Like <see cref="Packet"/>, they write into a
/// caller's span and return the packet length.
/// </summary>
public static class ExtensionPacket
{
    /// <summary>At most this many dev/inos fit one L or W request (1 + 15·16 = 241 bytes).</summary>
    public const int MaxIds = 15;
    public const int ExtendedQuerySize = Packet.HeaderSize + ServiceId.Size;
    public const int ExtendedSize = Packet.HeaderSize + ExtendedStatus.Size;
    public const int NoServiceSize = Packet.HeaderSize + ServiceId.Size + 4;
    public const int SubscribedSize = Packet.HeaderSize + SubscriptionInfo.Size;
    public const int EventSize = Packet.HeaderSize + PerpEvent.Size;
    public const int SetOnceSize = Packet.HeaderSize + ServiceId.Size + 2;

    public static int WriteExtendedQuery(Span<byte> d, ServiceId id)
    {
        Header(d, PacketType.ExtendedQuery, ServiceId.Size);
        id.Write(d[Packet.HeaderSize..]);
        return ExtendedQuerySize;
    }

    /// <summary>O: set (<paramref name="once"/>) or clear the run-once flag of main, or of the log with <see cref="CommandFlags.Log"/>.</summary>
    public static int WriteSetOnce(Span<byte> d, ServiceId id, bool once, CommandFlags flags = CommandFlags.None)
    {
        Header(d, PacketType.SetOnce, ServiceId.Size + 2);
        id.Write(d[Packet.HeaderSize..]);
        d[Packet.HeaderSize + ServiceId.Size] = (byte)flags;
        d[Packet.HeaderSize + ServiceId.Size + 1] = once ? (byte)1 : (byte)0;
        return SetOnceSize;
    }

    /// <summary>L: bulk status of <paramref name="ids"/>, or of every service when empty.</summary>
    public static int WriteList(Span<byte> d, ReadOnlySpan<ServiceId> ids, ListFlags flags = ListFlags.None) =>
        WriteIds(d, PacketType.List, ids, (byte)flags);

    /// <summary>W: subscribe to events of <paramref name="ids"/>, or of every service when empty.</summary>
    public static int WriteSubscribe(Span<byte> d, ReadOnlySpan<ServiceId> ids, byte flags = 0) =>
        WriteIds(d, PacketType.Subscribe, ids, flags);

    /// <summary>
    /// The dev/inos of an L or W payload: a flags byte, then whole 16-byte ids. False when the
    /// length is not 1 + 16·k with k ≤ 15 (perpd answers EPROTO).
    /// </summary>
    public static bool TryReadIds(ReadOnlySpan<byte> payload, out int count)
    {
        count = 0;
        if (payload.Length < 1 || (payload.Length - 1) % ServiceId.Size != 0) return false;
        count = (payload.Length - 1) / ServiceId.Size;
        return count <= MaxIds;
    }

    /// <summary>The flags byte of an L or W payload (one <see cref="TryReadIds"/> accepted).</summary>
    public static byte FlagsOf(ReadOnlySpan<byte> payload) => payload[0];

    public static ServiceId IdAt(ReadOnlySpan<byte> payload, int index) => ServiceId.Read(payload[(1 + index * ServiceId.Size)..]);

    public static int WriteExtended(Span<byte> d, in ExtendedStatus status)
    {
        Header(d, PacketType.Extended, ExtendedStatus.Size);
        status.Write(d[Packet.HeaderSize..]);
        return ExtendedSize;
    }

    public static int WriteNoService(Span<byte> d, ServiceId id, int errno)
    {
        Header(d, PacketType.NoService, ServiceId.Size + 4);
        id.Write(d[Packet.HeaderSize..]);
        BinaryPrimitives.WriteUInt32LittleEndian(d[(Packet.HeaderSize + ServiceId.Size)..], (uint)errno);
        return NoServiceSize;
    }

    public static int WriteSubscribed(Span<byte> d, in SubscriptionInfo info)
    {
        Header(d, PacketType.Subscribed, SubscriptionInfo.Size);
        info.Write(d[Packet.HeaderSize..]);
        return SubscribedSize;
    }

    public static int WriteEvent(Span<byte> d, in PerpEvent e)
    {
        Header(d, PacketType.Event, PerpEvent.Size);
        e.Write(d[Packet.HeaderSize..]);
        return EventSize;
    }

    private static int WriteIds(Span<byte> d, byte type, ReadOnlySpan<ServiceId> ids, byte flags)
    {
        if (ids.Length > MaxIds) throw new ArgumentException($"at most {MaxIds} services per request", nameof(ids));
        int length = 1 + ids.Length * ServiceId.Size;
        Header(d, type, (byte)length);
        d[Packet.HeaderSize] = flags;
        for (int i = 0; i < ids.Length; i++) ids[i].Write(d[(Packet.HeaderSize + 1 + i * ServiceId.Size)..]);
        return Packet.HeaderSize + length;
    }

    private static void Header(Span<byte> d, byte type, int length)
    {
        d[0] = Packet.Version;
        d[1] = type;
        d[2] = (byte)length;
    }
}
