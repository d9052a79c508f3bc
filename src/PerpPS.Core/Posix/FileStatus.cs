using System.Buffers.Binary;
using System.Runtime.InteropServices;
using PerpPS.Core.Interop;
using PerpPS.Core.Protocol;

namespace PerpPS.Core.Posix;

/// <summary>
/// What stat() says of a path, read through statx (whose layout is the same on every
/// architecture). <see cref="Id"/> is the (st_dev, st_ino) pair perp uses as a service's
/// identity, st_dev encoded as glibc encodes it.
/// </summary>
public readonly record struct FileStatus(ServiceId Id, uint Mode, uint Uid, uint Gid)
{
    public const uint S_IFMT = 0xF000, S_IFDIR = 0x4000, S_IFREG = 0x8000, S_IFLNK = 0xA000;
    public const uint S_ISVTX = 0x200, S_IXUSR = 0x40;

    public bool IsDirectory => (Mode & S_IFMT) == S_IFDIR;
    public bool IsRegularFile => (Mode & S_IFMT) == S_IFREG;
    /// <summary>The sticky bit: perp's "active" mark on a service directory.</summary>
    public bool IsSticky => (Mode & S_ISVTX) != 0;
    public bool IsOwnerExecutable => (Mode & S_IXUSR) != 0;

    /// <summary>stat() (following symlinks) relative to the current directory.</summary>
    public static int TryStat(string path, out FileStatus status) =>
        TryStat(Libc.AT_FDCWD, NativePath.ToBytes(path), followLinks: true, out status);

    /// <summary>stat() of a NUL-terminated byte path relative to <paramref name="dirfd"/>.</summary>
    /// <returns>0 on success, else the errno.</returns>
    public static int TryStat(int dirfd, ReadOnlySpan<byte> pathZ, bool followLinks, out FileStatus status) =>
        TryStat(dirfd, pathZ, followLinks ? 0 : Libc.AT_SYMLINK_NOFOLLOW, out status);

    /// <summary>fstat() of an open descriptor: 0 or the errno.</summary>
    public static int TryStat(int fd, out FileStatus status) => TryStat(fd, "\0"u8, Libc.AT_EMPTY_PATH, out status);

    private static unsafe int TryStat(int dirfd, ReadOnlySpan<byte> pathZ, int flags, out FileStatus status)
    {
        byte* buffer = stackalloc byte[256];
        int rc;
        fixed (byte* p = pathZ)
            rc = Libc.Statx(dirfd, p, flags, Libc.STATX_BASIC_STATS, buffer);
        if (rc != 0)
        {
            status = default;
            return Marshal.GetLastPInvokeError();
        }
        var b = new ReadOnlySpan<byte>(buffer, 256);
        uint uid = BinaryPrimitives.ReadUInt32LittleEndian(b[20..]);
        uint gid = BinaryPrimitives.ReadUInt32LittleEndian(b[24..]);
        uint mode = BinaryPrimitives.ReadUInt16LittleEndian(b[28..]);
        ulong ino = BinaryPrimitives.ReadUInt64LittleEndian(b[32..]);
        uint major = BinaryPrimitives.ReadUInt32LittleEndian(b[136..]);
        uint minor = BinaryPrimitives.ReadUInt32LittleEndian(b[140..]);
        status = new FileStatus(new ServiceId(ServiceId.MakeDevice(major, minor), ino), mode, uid, gid);
        return 0;
    }

    /// <summary>stat() that throws <see cref="PosixException"/> with perp's wording.</summary>
    public static FileStatus Stat(string path)
    {
        int errno = TryStat(path, out var status);
        if (errno != 0) throw new PosixException(errno, $"failure stat() on {path}");
        return status;
    }
}
