using System.Buffers.Binary;

namespace PerpPS.Core.Protocol;

/// <summary>
/// The 66-byte payload of an S packet (spec §5.4). Integers little-endian, tains big-endian.
/// A service without a log has bytes 48..65 all zero.
/// </summary>
public readonly record struct StatusRecord(
    uint DaemonPid,
    Tai64N DaemonStarted,
    Tai64N Activated,
    ServiceFlags Flags,
    SubserviceStatus Main,
    SubserviceStatus Log)
{
    public const int Size = 66;

    public bool HasLog => (Flags & ServiceFlags.HasLog) != 0;

    public void Write(Span<byte> d)
    {
        d[..Size].Clear();
        BinaryPrimitives.WriteUInt32LittleEndian(d, DaemonPid);
        DaemonStarted.Write(d[4..]);
        Activated.Write(d[16..]);
        d[28] = (byte)Flags;
        WriteSub(d[30..], Main);
        if (HasLog) WriteSub(d[48..], Log);
    }

    public static StatusRecord Read(ReadOnlySpan<byte> s)
    {
        if (s.Length < Size) throw new ArgumentException("a status record is 66 bytes", nameof(s));
        return new StatusRecord(
            BinaryPrimitives.ReadUInt32LittleEndian(s),
            Tai64N.Read(s[4..]),
            Tai64N.Read(s[16..]),
            (ServiceFlags)s[28],
            ReadSub(s[30..]),
            ReadSub(s[48..]));
    }

    private static void WriteSub(Span<byte> d, SubserviceStatus sub)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(d, sub.Pid);
        sub.When.Write(d[4..]);
        d[16] = (byte)sub.Flags;
        d[17] = 0;
    }

    private static SubserviceStatus ReadSub(ReadOnlySpan<byte> s) =>
        new(BinaryPrimitives.ReadUInt32LittleEndian(s), Tai64N.Read(s[4..]), (SubserviceFlags)s[16]);
}
