using System.Runtime.InteropServices;

namespace PerpPS.Daemon.Interop;

/// <summary>What only containment needs: directories made relative to the cgroup root (prctl and the subreaper flag are in Native.Signals.cs).</summary>
internal static unsafe partial class Native
{
    public const int AT_REMOVEDIR = 0x200;

    [LibraryImport(LibC, EntryPoint = "mkdirat", SetLastError = true)]
    public static partial int MkdirAt(int dirfd, byte* path, uint mode);

    [LibraryImport(LibC, EntryPoint = "unlinkat", SetLastError = true)]
    public static partial int UnlinkAt(int dirfd, byte* path, int flags);
}
