using System.Buffers.Binary;

namespace PerpPS.Core.Protocol;

/// <summary>
/// A service's identity inside perpd: the (st_dev, st_ino) of its directory, following
/// symlinks. On the wire: st_dev then st_ino, each a little-endian uint64 (spec §5.3).
/// st_dev is glibc's encoding (gnu_dev_makedev) so perp's own clients and ours agree.
/// </summary>
public readonly record struct ServiceId(ulong Device, ulong Inode)
{
    public const int Size = 16;

    public void Write(Span<byte> destination)
    {
        BinaryPrimitives.WriteUInt64LittleEndian(destination, Device);
        BinaryPrimitives.WriteUInt64LittleEndian(destination[8..], Inode);
    }

    public static ServiceId Read(ReadOnlySpan<byte> source) =>
        new(BinaryPrimitives.ReadUInt64LittleEndian(source), BinaryPrimitives.ReadUInt64LittleEndian(source[8..]));

    /// <summary>glibc's makedev: the st_dev value a C program sees for major:minor.</summary>
    public static ulong MakeDevice(uint major, uint minor) =>
        ((ulong)(major & 0x00000fffu) << 8) | ((ulong)(major & 0xfffff000u) << 32)
        | (minor & 0x000000ffu) | ((ulong)(minor & 0xffffff00u) << 12);

    public override string ToString() => $"{Device}:{Inode}";
}
