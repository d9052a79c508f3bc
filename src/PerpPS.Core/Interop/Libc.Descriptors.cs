using System.Runtime.InteropServices;

namespace PerpPS.Core.Interop;

/// <summary>Calls on open descriptors beyond open/close/read/write.</summary>
public static unsafe partial class Libc
{
    [LibraryImport(LibC, EntryPoint = "dup2", SetLastError = true)]
    public static partial int Dup2(int oldFd, int newFd);

    [LibraryImport(LibC, EntryPoint = "pipe2", SetLastError = true)]
    public static partial int Pipe2(int* fds, int flags);

    public const int EFD_NONBLOCK = 0x800, EFD_CLOEXEC = 0x80000;

    [LibraryImport(LibC, EntryPoint = "eventfd", SetLastError = true)]
    public static partial int EventFd(uint initial, int flags);

    [LibraryImport(LibC, EntryPoint = "lseek", SetLastError = true)]
    public static partial long Lseek(int fd, long offset, int whence);

    [LibraryImport(LibC, EntryPoint = "ftruncate", SetLastError = true)]
    public static partial int Ftruncate(int fd, long length);

    /// <summary>Directory entries into a buffer (read through <see cref="Posix.DirectoryEntries"/>).</summary>
    [LibraryImport(LibC, EntryPoint = "getdents64", SetLastError = true)]
    public static partial nint Getdents64(int fd, byte* buffer, nint size);

    [LibraryImport(LibC, EntryPoint = "fchmod", SetLastError = true)]
    public static partial int Fchmod(int fd, uint mode);
}
