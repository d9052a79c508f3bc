using System.Runtime.InteropServices;

namespace PerpPS.Runtools.Interop;

/// <summary>
/// The libc calls the service-side programs make (exec, identity, limits, files, spawn),
/// source-generated LibraryImport, errno via <see cref="Marshal.GetLastPInvokeError"/>.
/// The shared ones (open, close, fcntl locks, kill, statx) live in PerpPS.Core's Libc.
/// </summary>
internal static unsafe partial class Sys
{
    private const string LibC = "libc";

    public const int O_TRUNC = 0x200, O_EXCL = 0x80;
    public const int SEEK_END = 2;
    public const int SIG_BLOCK = 0, SIG_UNBLOCK = 1, SIG_SETMASK = 2;

    [LibraryImport(LibC, EntryPoint = "execve", SetLastError = true)]
    public static partial int Execve(byte* path, byte** argv, byte** envp);

    [LibraryImport(LibC, EntryPoint = "setsid", SetLastError = true)]
    public static partial int Setsid();

    [LibraryImport(LibC, EntryPoint = "getuid")]
    public static partial uint Getuid();

    [LibraryImport(LibC, EntryPoint = "setuid", SetLastError = true)]
    public static partial int Setuid(uint uid);

    [LibraryImport(LibC, EntryPoint = "setgid", SetLastError = true)]
    public static partial int Setgid(uint gid);

    [LibraryImport(LibC, EntryPoint = "setgroups", SetLastError = true)]
    public static partial int Setgroups(nuint size, uint* list);

    [LibraryImport(LibC, EntryPoint = "initgroups", SetLastError = true)]
    public static partial int Initgroups(byte* user, uint group);

    [LibraryImport(LibC, EntryPoint = "getpwnam", SetLastError = true)]
    public static partial byte* Getpwnam(byte* name);

    [LibraryImport(LibC, EntryPoint = "chroot", SetLastError = true)]
    public static partial int Chroot(byte* path);

    [LibraryImport(LibC, EntryPoint = "fsync", SetLastError = true)]
    public static partial int Fsync(int fd);

    [LibraryImport(LibC, EntryPoint = "link", SetLastError = true)]
    public static partial int Link(byte* from, byte* to);

    [LibraryImport(LibC, EntryPoint = "rename", SetLastError = true)]
    public static partial int Rename(byte* from, byte* to);

    [LibraryImport(LibC, EntryPoint = "sigprocmask", SetLastError = true)]
    public static partial int Sigprocmask(int how, byte* set, byte* old);

    [LibraryImport(LibC, EntryPoint = "sigaddset")]
    public static partial int Sigaddset(byte* set, int signal);
}
