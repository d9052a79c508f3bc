using System.Runtime.InteropServices;

namespace PerpPS.Core.Interop;

/// <summary>poll(2), for the programs that wait on a few descriptors without an event loop.</summary>
public static unsafe partial class Libc
{
    public const short POLLIN = 1;

    [StructLayout(LayoutKind.Sequential)]
    public struct PollFd
    {
        public int Fd;
        public short Events;
        public short Revents;
    }

    [LibraryImport(LibC, EntryPoint = "poll", SetLastError = true)]
    public static partial int Poll(PollFd* fds, nuint count, int timeoutMs);
}
