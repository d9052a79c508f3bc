using System.Runtime.InteropServices;

namespace PerpPS.Runtools.Interop;

/// <summary>
/// posix_spawn and its attribute/file-action objects. The glibc objects are opaque; we
/// give them generously sized native buffers (glibc's are 80 and 336 bytes on 64-bit).
/// </summary>
internal static unsafe partial class Sys
{
    public const int ObjectBufferSize = 1024;
    public const int SigsetSize = 128;

    public const short POSIX_SPAWN_SETSIGDEF = 0x04, POSIX_SPAWN_SETSIGMASK = 0x08, POSIX_SPAWN_SETSID = 0x80;

    [LibraryImport(LibC, EntryPoint = "posix_spawn")]
    public static partial int PosixSpawn(int* pid, byte* path, byte* fileActions, byte* attr, byte** argv, byte** envp);

    [LibraryImport(LibC, EntryPoint = "posix_spawn_file_actions_init")]
    public static partial int FileActionsInit(byte* actions);

    [LibraryImport(LibC, EntryPoint = "posix_spawn_file_actions_destroy")]
    public static partial int FileActionsDestroy(byte* actions);

    [LibraryImport(LibC, EntryPoint = "posix_spawn_file_actions_adddup2")]
    public static partial int FileActionsAddDup2(byte* actions, int fd, int newFd);

    [LibraryImport(LibC, EntryPoint = "posix_spawn_file_actions_addopen")]
    public static partial int FileActionsAddOpen(byte* actions, int fd, byte* path, int flags, uint mode);

    [LibraryImport(LibC, EntryPoint = "posix_spawn_file_actions_addclose")]
    public static partial int FileActionsAddClose(byte* actions, int fd);

    [LibraryImport(LibC, EntryPoint = "posix_spawn_file_actions_addclosefrom_np")]
    public static partial int FileActionsAddClosefrom(byte* actions, int from);

    [LibraryImport(LibC, EntryPoint = "posix_spawnattr_init")]
    public static partial int AttrInit(byte* attr);

    [LibraryImport(LibC, EntryPoint = "posix_spawnattr_destroy")]
    public static partial int AttrDestroy(byte* attr);

    [LibraryImport(LibC, EntryPoint = "posix_spawnattr_setflags")]
    public static partial int AttrSetFlags(byte* attr, short flags);

    [LibraryImport(LibC, EntryPoint = "posix_spawnattr_setsigmask")]
    public static partial int AttrSetSigmask(byte* attr, byte* set);

    [LibraryImport(LibC, EntryPoint = "posix_spawnattr_setsigdefault")]
    public static partial int AttrSetSigdefault(byte* attr, byte* set);
}
