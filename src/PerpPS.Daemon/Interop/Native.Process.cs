using System.Runtime.InteropServices;

namespace PerpPS.Daemon.Interop;

/// <summary>posix_spawn, pidfd and waitid: how perpd starts and reaps runscripts.</summary>
internal static unsafe partial class Native
{
    /// <summary>glibc's spawn attribute flags.</summary>
    public const short POSIX_SPAWN_SETSIGDEF = 0x04, POSIX_SPAWN_SETSIGMASK = 0x08, POSIX_SPAWN_SETSID = 0x80;

    /// <summary>Generous sizes for glibc's opaque types (336, 80 and 128 bytes on 64-bit).</summary>
    public const int SpawnAttrSize = 512, FileActionsSize = 256, SigSetSize = 128;

    public const int P_PID = 1, P_PIDFD = 3;
    public const int WEXITED = 4, WNOHANG = 1;
    public const int CLD_EXITED = 1, CLD_KILLED = 2, CLD_DUMPED = 3;

    [LibraryImport(LibC, EntryPoint = "posix_spawn")]
    public static partial int PosixSpawn(int* pid, byte* path, void* fileActions, void* attr, byte** argv, byte** envp);

    [LibraryImport(LibC, EntryPoint = "posix_spawnattr_init")]
    public static partial int SpawnAttrInit(void* attr);

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
    public static partial int FileActionsAddDup2(void* actions, int fd, int newfd);

    [LibraryImport(LibC, EntryPoint = "posix_spawn_file_actions_addfchdir_np")]
    public static partial int FileActionsAddFchdir(void* actions, int fd);

    [LibraryImport(LibC, EntryPoint = "posix_spawn_file_actions_addclosefrom_np")]
    public static partial int FileActionsAddCloseFrom(void* actions, int from);

    [LibraryImport(LibC, EntryPoint = "sigemptyset")]
    public static partial int SigEmptySet(void* set);

    [LibraryImport(LibC, EntryPoint = "pidfd_open", SetLastError = true)]
    public static partial int PidfdOpen(int pid, uint flags);

    /// <summary>siginfo_t is 128 bytes; si_code at 8, si_pid at 16, si_status at 24.</summary>
    [LibraryImport(LibC, EntryPoint = "waitid", SetLastError = true)]
    public static partial int WaitId(int idType, int id, byte* info, int options);
}
