using System.Runtime.InteropServices;

namespace PerpPS.Daemon.Interop;

/// <summary>What only perpd needs of spawning and reaping: the fchdir file action and si_code values.</summary>
internal static unsafe partial class Native
{
    public const int CLD_EXITED = 1, CLD_KILLED = 2, CLD_DUMPED = 3;

    [LibraryImport(LibC, EntryPoint = "posix_spawn_file_actions_addfchdir_np")]
    public static partial int FileActionsAddFchdir(void* actions, int fd);
}
