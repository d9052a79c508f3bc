using System.Runtime.InteropServices;

namespace PerpPS.Daemon.Interop;

/// <summary>What only containment needs: directories made relative to the cgroup root, and the subreaper flag.</summary>
internal static unsafe partial class Native
{
    public const int AT_REMOVEDIR = 0x200;
    public const int PR_SET_CHILD_SUBREAPER = 36;

    [LibraryImport(LibC, EntryPoint = "mkdirat", SetLastError = true)]
    public static partial int MkdirAt(int dirfd, byte* path, uint mode);

    [LibraryImport(LibC, EntryPoint = "unlinkat", SetLastError = true)]
    public static partial int UnlinkAt(int dirfd, byte* path, int flags);

    [LibraryImport(LibC, EntryPoint = "prctl", SetLastError = true)]
    public static partial int Prctl(int option, nuint arg2, nuint arg3, nuint arg4, nuint arg5);
}
