using System.Runtime.InteropServices;

namespace PerpPS.Daemon.Interop;

/// <summary>What only containment needs: directories made relative to the cgroup root, inotify on cgroup.events (prctl and the subreaper flag are in Native.Signals.cs).</summary>
internal static unsafe partial class Native
{
    public const int AT_REMOVEDIR = 0x200;

    [LibraryImport(LibC, EntryPoint = "mkdirat", SetLastError = true)]
    public static partial int MkdirAt(int dirfd, byte* path, uint mode);

    [LibraryImport(LibC, EntryPoint = "unlinkat", SetLastError = true)]
    public static partial int UnlinkAt(int dirfd, byte* path, int flags);

    public const int IN_NONBLOCK = 0x800, IN_CLOEXEC = 0x80000;
    public const uint IN_MODIFY = 0x2;

    [LibraryImport(LibC, EntryPoint = "inotify_init1", SetLastError = true)]
    public static partial int InotifyInit1(int flags);

    [LibraryImport(LibC, EntryPoint = "inotify_add_watch", SetLastError = true)]
    public static partial int InotifyAddWatch(int fd, byte* path, uint mask);

    [LibraryImport(LibC, EntryPoint = "inotify_rm_watch", SetLastError = true)]
    public static partial int InotifyRmWatch(int fd, int wd);
}
