using System.Runtime.InteropServices;

namespace PerpPS.Daemon.Interop;

/// <summary>The listening side of the control socket.</summary>
internal static unsafe partial class Native
{
    public const int AF_UNIX = 1;
    public const int SOCK_STREAM = 1, SOCK_NONBLOCK = 0x800, SOCK_CLOEXEC = 0x80000;
    public const int MSG_NOSIGNAL = 0x4000;

    [LibraryImport(LibC, EntryPoint = "socket", SetLastError = true)]
    public static partial int Socket(int domain, int type, int protocol);

    [LibraryImport(LibC, EntryPoint = "bind", SetLastError = true)]
    public static partial int Bind(int fd, byte* address, int length);

    [LibraryImport(LibC, EntryPoint = "listen", SetLastError = true)]
    public static partial int Listen(int fd, int backlog);

    [LibraryImport(LibC, EntryPoint = "accept4", SetLastError = true)]
    public static partial int Accept4(int fd, byte* address, int* length, int flags);

    [LibraryImport(LibC, EntryPoint = "send", SetLastError = true)]
    public static partial nint Send(int fd, byte* buffer, nint length, int flags);
}
