using System.Runtime.InteropServices;

namespace PerpPS.Core.Interop;

/// <summary>
/// Calls on raw byte paths: names on Linux are bytes, and perp's programs report errno,
/// so .NET's string APIs will not do.
/// </summary>
public static unsafe partial class Libc
{
    [LibraryImport(LibC, EntryPoint = "chdir", SetLastError = true)]
    public static partial int Chdir(byte* path);

    [LibraryImport(LibC, EntryPoint = "chmod", SetLastError = true)]
    public static partial int Chmod(byte* path, uint mode);

    [LibraryImport(LibC, EntryPoint = "mkdir", SetLastError = true)]
    public static partial int Mkdir(byte* path, uint mode);

    [LibraryImport(LibC, EntryPoint = "unlink", SetLastError = true)]
    public static partial int Unlink(byte* path);

    [LibraryImport(LibC, EntryPoint = "umask")]
    public static partial uint Umask(uint mask);
}
