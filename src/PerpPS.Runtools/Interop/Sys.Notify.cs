using System.Runtime.InteropServices;

namespace PerpPS.Runtools.Interop;

/// <summary>
/// What runnotify's sd_notify listener needs beyond Core's socket calls: a datagram socket
/// bound in the abstract namespace, recvmsg with the sender's credentials (SO_PASSCRED) and
/// any descriptors it passed, and fcntl to move descriptors out of the way.
/// </summary>
internal static unsafe partial class Sys
{
    public const int SOCK_DGRAM = 2;
    public const int SO_PASSCRED = 16;
    public const int SCM_RIGHTS = 1, SCM_CREDENTIALS = 2;
    public const int MSG_CTRUNC = 0x8, MSG_TRUNC = 0x20, MSG_DONTWAIT = 0x40, MSG_CMSG_CLOEXEC = 0x40000000;
    public const int F_GETFD = 1, F_DUPFD_CLOEXEC = 1030;
    public const short POLLHUP = 0x10, POLLERR = 0x8;

    /// <summary>struct iovec.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct IoVec
    {
        public byte* Base;
        public nuint Length;
    }

    /// <summary>struct msghdr on 64-bit Linux (socklen_t name length padded to 8).</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct MsgHdr
    {
        public byte* Name;
        public uint NameLength;
        public IoVec* Iov;
        public nuint IovLength;
        public byte* Control;
        public nuint ControlLength;
        public int Flags;
    }

    /// <summary>struct ucred, the payload of SCM_CREDENTIALS.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct UCred
    {
        public int Pid;
        public uint Uid;
        public uint Gid;
    }

    /// <summary>sizeof(struct cmsghdr) on 64-bit Linux: the data follows at this offset.</summary>
    public const int CmsgHeaderSize = 16;

    [LibraryImport(LibC, EntryPoint = "bind", SetLastError = true)]
    public static partial int Bind(int fd, byte* address, int length);

    [LibraryImport(LibC, EntryPoint = "getsockname", SetLastError = true)]
    public static partial int Getsockname(int fd, byte* address, int* length);

    [LibraryImport(LibC, EntryPoint = "recvmsg", SetLastError = true)]
    public static partial nint Recvmsg(int fd, MsgHdr* message, int flags);

    /// <summary>fcntl(fd, cmd, int): only integer arguments travel through the variadic list.</summary>
    [LibraryImport(LibC, EntryPoint = "fcntl", SetLastError = true)]
    public static partial int Fcntl(int fd, int command, int argument);

    [LibraryImport(LibC, EntryPoint = "geteuid")]
    public static partial uint Geteuid();
}
