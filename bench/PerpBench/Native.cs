using System.Runtime.InteropServices;

namespace PerpBench;

/// <summary>The libc calls only the bench needs (inotify); the rest are PerpPS.Core's Libc.</summary>
internal static unsafe partial class Native
{
    public const int IN_MODIFY = 0x2, IN_CLOEXEC = 0x80000, IN_NONBLOCK = 0x800;

    [LibraryImport("libc", EntryPoint = "inotify_init1", SetLastError = true)]
    public static partial int InotifyInit1(int flags);

    [LibraryImport("libc", EntryPoint = "inotify_add_watch", SetLastError = true)]
    public static partial int InotifyAddWatch(int fd, byte* path, uint mask);
}
