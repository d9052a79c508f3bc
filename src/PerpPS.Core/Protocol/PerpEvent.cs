using System.Buffers.Binary;

namespace PerpPS.Core.Protocol;

/// <summary>
/// One state change on a subscribed connection: the 48-byte payload of a v packet.
/// <code>
/// 0  u64  sequence number (daemon-wide, from 1; gaps only where an Overflow says so)
/// 8  16   service dev/ino (zero for Overflow)
/// 24 12   time (tain)
/// 36 u8   kind (EventKind)             37 u8  target: 0 main, 1 log, 255 service
/// 38 u8   exit kind (ExitKind)         39 u8  exit value (code, signal or errno)
/// 40 u32  pid                          44 u32 detail (per kind)
/// </code>
/// </summary>
public readonly record struct PerpEvent(
    ulong Sequence,
    ServiceId Id,
    Tai64N Time,
    EventKind Kind,
    EventTarget Target,
    ExitKind ExitKind,
    byte ExitValue,
    uint Pid,
    uint Detail)
{
    public const int Size = 48;

    public bool IsLog => Target == EventTarget.Log;

    public void Write(Span<byte> d)
    {
        BinaryPrimitives.WriteUInt64LittleEndian(d, Sequence);
        Id.Write(d[8..]);
        Time.Write(d[24..]);
        d[36] = (byte)Kind;
        d[37] = (byte)Target;
        d[38] = (byte)ExitKind;
        d[39] = ExitValue;
        BinaryPrimitives.WriteUInt32LittleEndian(d[40..], Pid);
        BinaryPrimitives.WriteUInt32LittleEndian(d[44..], Detail);
    }

    public static PerpEvent Read(ReadOnlySpan<byte> s) => new(
        BinaryPrimitives.ReadUInt64LittleEndian(s),
        ServiceId.Read(s[8..]),
        Tai64N.Read(s[24..]),
        (EventKind)s[36],
        (EventTarget)s[37],
        (ExitKind)s[38],
        s[39],
        BinaryPrimitives.ReadUInt32LittleEndian(s[40..]),
        BinaryPrimitives.ReadUInt32LittleEndian(s[44..]));
}

/// <summary>
/// The w reply to a subscribe: <c>0 u64</c> the last event sequence number emitted before the
/// subscription (every event the subscriber gets has a larger one), <c>8 u16</c> how many
/// events perpd holds for it beyond the kernel's socket buffer before it overflows,
/// <c>10 u16</c> reserved.
/// </summary>
public readonly record struct SubscriptionInfo(ulong Sequence, ushort BufferedEvents)
{
    public const int Size = 12;

    public void Write(Span<byte> d)
    {
        d[..Size].Clear();
        BinaryPrimitives.WriteUInt64LittleEndian(d, Sequence);
        BinaryPrimitives.WriteUInt16LittleEndian(d[8..], BufferedEvents);
    }

    public static SubscriptionInfo Read(ReadOnlySpan<byte> s) =>
        new(BinaryPrimitives.ReadUInt64LittleEndian(s), BinaryPrimitives.ReadUInt16LittleEndian(s[8..]));
}
