using System.Runtime.InteropServices;
using PerpPS.Core.Interop;

namespace PerpPS.Core.Posix;

/// <summary>
/// The entries of an open directory, read with getdents64 into the caller's buffer: each
/// entry's name as the kernel's bytes, its inode number and its type (d_type), with nothing
/// allocated per entry. The one directory reader of perpd's base scan and /proc walk,
/// perpls's listing and the module's catalog. <see cref="Name"/> is a slice of the buffer,
/// valid until the next <see cref="MoveNext"/>. "." and ".." are returned like any entry.
/// </summary>
public ref struct DirectoryEntries
{
    /// <summary>d_type values: the file system did not say (stat to know), a directory, a symbolic link.</summary>
    public const byte TypeUnknown = 0, TypeDirectory = 4, TypeSymlink = 10;

    // struct linux_dirent64: d_ino u64, d_off s64, d_reclen u16, d_type u8, d_name[] (NUL-terminated).
    private const int ReclenOffset = 16, TypeOffset = 18, NameOffset = 19;

    private readonly int _fd;
    private readonly Span<byte> _buffer;
    private int _length, _offset;

    /// <param name="fd">A descriptor opened with O_DIRECTORY, read from its current offset.</param>
    /// <param name="buffer">Where getdents64 writes; a few KiB or more (one entry takes up to ~280 bytes).</param>
    public DirectoryEntries(int fd, Span<byte> buffer)
    {
        _fd = fd;
        _buffer = buffer;
    }

    /// <summary>The current entry's name, without its NUL.</summary>
    public ReadOnlySpan<byte> Name { get; private set; }

    /// <summary>The current entry's inode number (d_ino).</summary>
    public ulong Inode { get; private set; }

    /// <summary>The current entry's d_type (<see cref="TypeDirectory"/>, <see cref="TypeUnknown"/>, ...).</summary>
    public byte Type { get; private set; }

    /// <summary>0 after the last entry, or the errno of the getdents64 that failed and ended the reading.</summary>
    public int Errno { get; private set; }

    /// <summary>Steps to the next entry; false at the end of the directory or on a failure (<see cref="Errno"/>).</summary>
    public unsafe bool MoveNext()
    {
        if (_offset >= _length)
        {
            nint n;
            do
            {
                fixed (byte* p = _buffer) n = Libc.Getdents64(_fd, p, _buffer.Length);
            }
            while (n < 0 && Marshal.GetLastPInvokeError() == Posix.Errno.EINTR);
            if (n <= 0)
            {
                Errno = n < 0 ? Marshal.GetLastPInvokeError() : 0;
                _length = _offset = 0;
                Name = default;
                return false;
            }
            (_length, _offset) = ((int)n, 0);
        }
        var record = _buffer[_offset.._length];
        int reclen = MemoryMarshal.Read<ushort>(record[ReclenOffset..]);
        Inode = MemoryMarshal.Read<ulong>(record);
        Type = record[TypeOffset];
        var name = record[NameOffset..reclen];
        int end = name.IndexOf((byte)0);
        Name = end < 0 ? name : name[..end];
        _offset += reclen;
        return true;
    }
}
