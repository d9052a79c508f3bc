using System.Runtime.InteropServices;

namespace PerpPS.Core.Interop;

/// <summary>
/// posix_spawn and the attribute/file-action calls that perpd, the runtools and the module
/// share. The glibc objects are opaque: callers give them zeroed native buffers of
/// <see cref="SpawnAttrSize"/> and <see cref="FileActionsSize"/> bytes. posix_spawn and
/// its helpers return the error number instead of setting errno.
/// </summary>
public static unsafe partial class Libc
{
    /// <summary>glibc's spawn attribute flags.</summary>
    public const short POSIX_SPAWN_SETSIGDEF = 0x04, POSIX_SPAWN_SETSIGMASK = 0x08, POSIX_SPAWN_SETSID = 0x80;

    /// <summary>Generous sizes for posix_spawnattr_t (336 bytes on 64-bit glibc) and
    /// posix_spawn_file_actions_t (80 bytes).</summary>
    public const int SpawnAttrSize = 512, FileActionsSize = 256;

    [LibraryImport(LibC, EntryPoint = "posix_spawn")]
    public static partial int PosixSpawn(int* pid, byte* path, void* fileActions, void* attr, byte** argv, byte** envp);

    [LibraryImport(LibC, EntryPoint = "posix_spawnattr_init")]
    public static partial int SpawnAttrInit(void* attr);

    [LibraryImport(LibC, EntryPoint = "posix_spawnattr_destroy")]
    public static partial int SpawnAttrDestroy(void* attr);

    [LibraryImport(LibC, EntryPoint = "posix_spawnattr_setflags")]
    public static partial int SpawnAttrSetFlags(void* attr, short flags);

    [LibraryImport(LibC, EntryPoint = "posix_spawnattr_setsigmask")]
    public static partial int SpawnAttrSetSigMask(void* attr, void* sigset);

    [LibraryImport(LibC, EntryPoint = "posix_spawnattr_setsigdefault")]
    public static partial int SpawnAttrSetSigDefault(void* attr, void* sigset);

    [LibraryImport(LibC, EntryPoint = "posix_spawn_file_actions_init")]
    public static partial int FileActionsInit(void* actions);

    [LibraryImport(LibC, EntryPoint = "posix_spawn_file_actions_destroy")]
    public static partial int FileActionsDestroy(void* actions);

    [LibraryImport(LibC, EntryPoint = "posix_spawn_file_actions_adddup2")]
    public static partial int FileActionsAddDup2(void* actions, int fd, int newFd);

    [LibraryImport(LibC, EntryPoint = "posix_spawn_file_actions_addopen")]
    public static partial int FileActionsAddOpen(void* actions, int fd, byte* path, int flags, uint mode);

    [LibraryImport(LibC, EntryPoint = "posix_spawn_file_actions_addfchdir_np")]
    public static partial int FileActionsAddFchdir(void* actions, int fd);

    [LibraryImport(LibC, EntryPoint = "posix_spawn_file_actions_addclosefrom_np")]
    public static partial int FileActionsAddCloseFrom(void* actions, int from);

    [LibraryImport(LibC, EntryPoint = "posix_spawn_file_actions_addclose")]
    public static partial int FileActionsAddClose(void* actions, int fd);
}
