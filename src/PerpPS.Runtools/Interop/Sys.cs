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
    public const int WNOHANG = 1, WEXITED = 4, P_PIDFD = 3;
    public const short POLLIN = 1;

    [StructLayout(LayoutKind.Sequential)]
    public struct RLimit
    {
        public ulong Current;
        public ulong Maximum;
    }

    [StructLayout(LayoutKind.Sequential)]
    public struct PollFd
    {
        public int Fd;
        public short Events;
        public short Revents;
    }

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

    [LibraryImport(LibC, EntryPoint = "getgrnam", SetLastError = true)]
    public static partial byte* Getgrnam(byte* name);

    [LibraryImport(LibC, EntryPoint = "getrlimit", SetLastError = true)]
    public static partial int Getrlimit(int resource, RLimit* limit);

    [LibraryImport(LibC, EntryPoint = "setrlimit", SetLastError = true)]
    public static partial int Setrlimit(int resource, RLimit* limit);

    [LibraryImport(LibC, EntryPoint = "umask")]
    public static partial uint Umask(uint mask);

    [LibraryImport(LibC, EntryPoint = "chdir", SetLastError = true)]
    public static partial int Chdir(byte* path);

    [LibraryImport(LibC, EntryPoint = "chroot", SetLastError = true)]
    public static partial int Chroot(byte* path);

    [LibraryImport(LibC, EntryPoint = "mkdir", SetLastError = true)]
    public static partial int Mkdir(byte* path, uint mode);

    [LibraryImport(LibC, EntryPoint = "dup2", SetLastError = true)]
    public static partial int Dup2(int from, int to);

    [LibraryImport(LibC, EntryPoint = "read", SetLastError = true)]
    public static partial nint Read(int fd, byte* buffer, nint count);

    [LibraryImport(LibC, EntryPoint = "write", SetLastError = true)]
    public static partial nint Write(int fd, byte* buffer, nint count);

    [LibraryImport(LibC, EntryPoint = "fchmod", SetLastError = true)]
    public static partial int Fchmod(int fd, uint mode);

    [LibraryImport(LibC, EntryPoint = "chmod", SetLastError = true)]
    public static partial int Chmod(byte* path, uint mode);

    [LibraryImport(LibC, EntryPoint = "fsync", SetLastError = true)]
    public static partial int Fsync(int fd);

    [LibraryImport(LibC, EntryPoint = "ftruncate", SetLastError = true)]
    public static partial int Ftruncate(int fd, long length);

    [LibraryImport(LibC, EntryPoint = "lseek", SetLastError = true)]
    public static partial long Lseek(int fd, long offset, int whence);

    [LibraryImport(LibC, EntryPoint = "link", SetLastError = true)]
    public static partial int Link(byte* from, byte* to);

    [LibraryImport(LibC, EntryPoint = "rename", SetLastError = true)]
    public static partial int Rename(byte* from, byte* to);

    [LibraryImport(LibC, EntryPoint = "unlink", SetLastError = true)]
    public static partial int Unlink(byte* path);

    [LibraryImport(LibC, EntryPoint = "pipe2", SetLastError = true)]
    public static partial int Pipe2(int* fds, int flags);

    [LibraryImport(LibC, EntryPoint = "poll", SetLastError = true)]
    public static partial int Poll(PollFd* fds, nuint count, int timeoutMs);

    [LibraryImport(LibC, EntryPoint = "eventfd", SetLastError = true)]
    public static partial int Eventfd(uint initial, int flags);

    [LibraryImport(LibC, EntryPoint = "pidfd_open", SetLastError = true)]
    public static partial int PidfdOpen(int pid, uint flags);

    [LibraryImport(LibC, EntryPoint = "waitid", SetLastError = true)]
    public static partial int Waitid(int idType, int id, byte* siginfo, int options);

    [LibraryImport(LibC, EntryPoint = "waitpid", SetLastError = true)]
    public static partial int Waitpid(int pid, int* status, int options);

    [LibraryImport(LibC, EntryPoint = "signal", SetLastError = true)]
    public static partial nint Signal(int signal, nint handler);

    [LibraryImport(LibC, EntryPoint = "sigprocmask", SetLastError = true)]
    public static partial int Sigprocmask(int how, byte* set, byte* old);

    [LibraryImport(LibC, EntryPoint = "sigemptyset")]
    public static partial int Sigemptyset(byte* set);

    [LibraryImport(LibC, EntryPoint = "sigfillset")]
    public static partial int Sigfillset(byte* set);

    [LibraryImport(LibC, EntryPoint = "sigaddset")]
    public static partial int Sigaddset(byte* set, int signal);

    [LibraryImport(LibC, EntryPoint = "sigdelset")]
    public static partial int Sigdelset(byte* set, int signal);
}
