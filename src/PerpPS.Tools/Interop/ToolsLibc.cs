using System.Runtime.InteropServices;

namespace PerpPS.Tools.Interop;

/// <summary>
/// The few libc calls only the client tools make (chdir and chmod on byte paths are
/// PerpPS.Core's): isatty for perpls's colour rule, and opendir/readdir to list a base
/// with its names exactly as the kernel gives them.
/// </summary>
internal static unsafe partial class ToolsLibc
{
    private const string LibC = "libc";

    [LibraryImport(LibC, EntryPoint = "isatty")]
    public static partial int IsATty(int fd);

    [LibraryImport(LibC, EntryPoint = "opendir", SetLastError = true)]
    public static partial nint OpenDir(byte* path);

    [LibraryImport(LibC, EntryPoint = "readdir", SetLastError = true)]
    public static partial nint ReadDir(nint dir);

    [LibraryImport(LibC, EntryPoint = "closedir", SetLastError = true)]
    public static partial int CloseDir(nint dir);

    /// <summary>
    /// Offset of d_name in glibc's struct dirent on 64-bit Linux (d_ino 8, d_off 8,
    /// d_reclen 2, d_type 1), the same on x86_64 and aarch64.
    /// </summary>
    public const int DirentNameOffset = 19;
}
