using System.Buffers.Binary;

namespace PerpPS.Core.Protocol;

/// <summary>
/// The payload of an x packet: a service's dev/ino, its v2 66-byte record unchanged, and the
/// extension (docs/protocol-extensions.md):
/// <code>
/// 0   16  dev/ino (as in Q)
/// 16  66  the v2 status record (spec §5.4)
/// 82  1   extension version (1)
/// 83  1   size B of each sub-service block (64 in version 1)
/// 84  2   reserved, 0
/// 86  8   event sequence: number of the last event perpd emitted when it made this record
/// 94  B   main block (SubserviceExtension)
/// 94+B B  log block (all zero without a log)
/// </code>
/// Version 1 is 222 bytes; later versions may grow B (readers ignore the bytes they do not
/// know) but never move a field. A fallback built from a plain v2 reply has
/// <see cref="Version"/> 0: <see cref="HasExtension"/> is false and every extended figure
/// is "not available".
/// </summary>
public readonly record struct ExtendedStatus(
    ServiceId Id,
    StatusRecord Status,
    byte Version,
    ulong EventSequence,
    SubserviceExtension Main,
    SubserviceExtension Log)
{
    public const byte CurrentVersion = 1;
    /// <summary>Bytes before the main block.</summary>
    public const int HeaderSize = ServiceId.Size + StatusRecord.Size + 12;
    /// <summary>Payload size of version 1.</summary>
    public const int Size = HeaderSize + 2 * SubserviceExtension.Size;

    /// <summary>False for a status that came from a perpd without the extension (a v2 Q reply).</summary>
    public bool HasExtension => Version != 0;

    /// <summary>A v2-only status (perp 2.07's perpd): the extended figures are not available.</summary>
    public static ExtendedStatus FromV2(ServiceId id, StatusRecord status) => new(id, status, 0, 0, default, default);

    public void Write(Span<byte> d)
    {
        d[..Size].Clear();
        Id.Write(d);
        Status.Write(d[ServiceId.Size..]);
        int h = ServiceId.Size + StatusRecord.Size;
        d[h] = CurrentVersion;
        d[h + 1] = SubserviceExtension.Size;
        BinaryPrimitives.WriteUInt64LittleEndian(d[(h + 4)..], EventSequence);
        Main.Write(d[HeaderSize..]);
        if (Status.HasLog) Log.Write(d[(HeaderSize + SubserviceExtension.Size)..]);
    }

    /// <summary>Parses an x payload of version 1 or later; false when it is too short or says version 0.</summary>
    public static bool TryRead(ReadOnlySpan<byte> p, out ExtendedStatus status)
    {
        status = default;
        if (p.Length < HeaderSize) return false;
        int h = ServiceId.Size + StatusRecord.Size;
        byte version = p[h];
        int block = p[h + 1];
        if (version == 0 || p.Length < HeaderSize + 2 * block) return false;
        status = new ExtendedStatus(
            ServiceId.Read(p),
            StatusRecord.Read(p[ServiceId.Size..]),
            version,
            BinaryPrimitives.ReadUInt64LittleEndian(p[(h + 4)..]),
            SubserviceExtension.Read(p.Slice(HeaderSize, block)),
            SubserviceExtension.Read(p.Slice(HeaderSize + block, block)));
        return true;
    }
}
