using System.Runtime.InteropServices;

namespace PerpPS.Core.Interop;

/// <summary>Unix-domain socket calls, raw so that errno reaches the caller unchanged.</summary>
public static unsafe partial class Libc
{
    public const int AF_UNIX = 1;
    public const int SOCK_STREAM = 1, SOCK_NONBLOCK = 0x800, SOCK_CLOEXEC = 0x80000;
    public const int SOL_SOCKET = 1, SO_RCVTIMEO = 20, SO_SNDTIMEO = 21, SO_PEERCRED = 17;
    public const int MSG_NOSIGNAL = 0x4000;
    /// <summary>sizeof(sun_path): 107 bytes of path and a NUL.</summary>
    public const int SunPathSize = 108;

    [StructLayout(LayoutKind.Sequential)]
    public struct TimeVal
    {
        public long Seconds;
        public long Microseconds;
    }

    [LibraryImport(LibC, EntryPoint = "socket", SetLastError = true)]
    public static partial int Socket(int domain, int type, int protocol);

    [LibraryImport(LibC, EntryPoint = "connect", SetLastError = true)]
    public static partial int Connect(int fd, byte* address, int length);

    [LibraryImport(LibC, EntryPoint = "setsockopt", SetLastError = true)]
    public static partial int SetSockOpt(int fd, int level, int name, void* value, int length);

    [LibraryImport(LibC, EntryPoint = "send", SetLastError = true)]
    public static partial nint Send(int fd, byte* buffer, nint length, int flags);

    [LibraryImport(LibC, EntryPoint = "read", SetLastError = true)]
    public static partial nint Read(int fd, byte* buffer, nint length);

    [LibraryImport(LibC, EntryPoint = "write", SetLastError = true)]
    public static partial nint Write(int fd, byte* buffer, nint length);

    /// <summary>Fills a sockaddr_un; returns its length, or -1 when the path does not fit.</summary>
    public static int MakeUnixAddress(ReadOnlySpan<byte> path, Span<byte> address)
    {
        if (path.Length >= SunPathSize) return -1;
        address[..(2 + SunPathSize)].Clear();
        address[0] = AF_UNIX;
        path.CopyTo(address[2..]);
        return 2 + path.Length + 1;
    }
}
