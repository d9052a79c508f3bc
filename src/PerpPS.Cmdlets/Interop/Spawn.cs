using System.Runtime.InteropServices;

namespace PerpPS.Cmdlets.Interop;

/// <summary>
/// posix_spawn and waitpid from glibc, for starting perpd detached: System.Diagnostics.Process
/// cannot start a child in a new session or reset the signal dispositions .NET changed
/// (SIGPIPE is ignored in .NET, and an ignored signal survives exec into every service).
/// The opaque glibc structures are given generous, zeroed buffers.
/// </summary>
internal static unsafe partial class Spawn
{
    public const short POSIX_SPAWN_SETSIGDEF = 0x04;
    public const short POSIX_SPAWN_SETSIGMASK = 0x08;
    public const short POSIX_SPAWN_SETSID = 0x80;
    public const int WNOHANG = 1;
    /// <summary>Bytes reserved for posix_spawnattr_t (336 on glibc x86-64) and file actions (80).</summary>
    public const int OpaqueSize = 1024;
    /// <summary>sigset_t is 1024 bits in glibc.</summary>
    public const int SigsetSize = 128;

    [LibraryImport("libc", EntryPoint = "posix_spawn", SetLastError = true)]
    public static partial int PosixSpawn(int* pid, byte* path, void* fileActions, void* attributes, byte** argv, byte** envp);

    [LibraryImport("libc", EntryPoint = "posix_spawnattr_init")]
    public static partial int AttrInit(void* attributes);

    [LibraryImport("libc", EntryPoint = "posix_spawnattr_destroy")]
    public static partial int AttrDestroy(void* attributes);

    [LibraryImport("libc", EntryPoint = "posix_spawnattr_setflags")]
    public static partial int AttrSetFlags(void* attributes, short flags);

    [LibraryImport("libc", EntryPoint = "posix_spawnattr_setsigmask")]
    public static partial int AttrSetSigmask(void* attributes, byte* sigset);

    [LibraryImport("libc", EntryPoint = "posix_spawnattr_setsigdefault")]
    public static partial int AttrSetSigdefault(void* attributes, byte* sigset);

    [LibraryImport("libc", EntryPoint = "posix_spawn_file_actions_init")]
    public static partial int ActionsInit(void* actions);

    [LibraryImport("libc", EntryPoint = "posix_spawn_file_actions_destroy")]
    public static partial int ActionsDestroy(void* actions);

    [LibraryImport("libc", EntryPoint = "posix_spawn_file_actions_addopen")]
    public static partial int ActionsAddOpen(void* actions, int fd, byte* path, int flags, int mode);

    [LibraryImport("libc", EntryPoint = "posix_spawn_file_actions_adddup2")]
    public static partial int ActionsAddDup2(void* actions, int fd, int newFd);

    [LibraryImport("libc", EntryPoint = "waitpid", SetLastError = true)]
    public static partial int WaitPid(int pid, int* status, int options);
}
