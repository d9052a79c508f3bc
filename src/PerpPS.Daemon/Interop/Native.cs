using System.Runtime.InteropServices;

namespace PerpPS.Daemon.Interop;

/// <summary>
/// The libc entry points only perpd needs, declared with source-generated LibraryImport
/// (Native AOT clean). Split by subject into partial files; every call that can fail sets
/// errno, which callers read with <see cref="Marshal.GetLastPInvokeError"/>.
/// </summary>
internal static unsafe partial class Native
{
    private const string LibC = "libc";

    public const int X_OK = 1;

    /// <summary>The errno of the last failed call.</summary>
    public static int Errno => Marshal.GetLastPInvokeError();

    [LibraryImport(LibC, EntryPoint = "openat", SetLastError = true)]
    public static partial int OpenAt(int dirfd, byte* path, int flags, int mode);

    [LibraryImport(LibC, EntryPoint = "chown", SetLastError = true)]
    public static partial int Chown(byte* path, uint owner, uint group);

    [LibraryImport(LibC, EntryPoint = "fchdir", SetLastError = true)]
    public static partial int Fchdir(int fd);

    [LibraryImport(LibC, EntryPoint = "readlink", SetLastError = true)]
    public static partial nint Readlink(byte* path, byte* buffer, nint size);

    [LibraryImport(LibC, EntryPoint = "faccessat", SetLastError = true)]
    public static partial int FaccessAt(int dirfd, byte* path, int mode, int flags);
}
