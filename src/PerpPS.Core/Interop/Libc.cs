using System.Runtime.InteropServices;

namespace PerpPS.Core.Interop;

/// <summary>
/// The libc entry points PerpPS's projects share, declared once with source-generated
/// LibraryImport (AOT clean) and split by subject into partial files (Libc.Spawn,
/// Libc.Process, Libc.Signals, Libc.Descriptors, Libc.Paths, Libc.Limits, Libc.Poll,
/// Libc.Accounts, Libc.Socket). A declaration used by more than one project lives here; a
/// project keeps only what it alone calls (perpd's epoll and timerfd, the runtools' exec
/// and identity calls, the tools' opendir). Callers read errno with
/// <see cref="Marshal.GetLastPInvokeError"/>.
/// </summary>
public static unsafe partial class Libc
{
    private const string LibC = "libc";

    public const int AT_FDCWD = -100;
    public const int AT_SYMLINK_NOFOLLOW = 0x100;
    public const int AT_EMPTY_PATH = 0x1000;
    public const uint STATX_BASIC_STATS = 0x7ff;

    public const int O_RDONLY = 0, O_WRONLY = 1, O_RDWR = 2, O_CREAT = 0x40, O_APPEND = 0x400,
        O_NONBLOCK = 0x800, O_DIRECTORY = 0x10000, O_CLOEXEC = 0x80000;

    public const int F_GETLK = 5, F_SETLK = 6, F_SETLKW = 7;
    public const short F_RDLCK = 0, F_WRLCK = 1, F_UNLCK = 2;

    /// <summary>struct flock on 64-bit Linux (x86_64 and aarch64 share it).</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct Flock
    {
        public short Type;
        public short Whence;
        public long Start;
        public long Length;
        public int Pid;
    }

    [LibraryImport(LibC, EntryPoint = "statx", SetLastError = true)]
    public static partial int Statx(int dirfd, byte* path, int flags, uint mask, byte* buffer);

    [LibraryImport(LibC, EntryPoint = "kill", SetLastError = true)]
    public static partial int Kill(int pid, int signal);

    [LibraryImport(LibC, EntryPoint = "getpid")]
    public static partial int GetPid();

    [LibraryImport(LibC, EntryPoint = "open", SetLastError = true)]
    public static partial int Open(byte* path, int flags, int mode);

    [LibraryImport(LibC, EntryPoint = "close", SetLastError = true)]
    public static partial int Close(int fd);

    [LibraryImport(LibC, EntryPoint = "fcntl", SetLastError = true)]
    public static partial int FcntlLock(int fd, int command, Flock* lockInfo);
}
