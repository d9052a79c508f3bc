using System.Runtime.InteropServices;

namespace PerpPS.Core.Interop;

/// <summary>Waiting for children: pidfds, waitid and waitpid.</summary>
public static unsafe partial class Libc
{
    public const int P_PID = 1, P_PIDFD = 3;
    public const int WNOHANG = 1, WEXITED = 4;

    [LibraryImport(LibC, EntryPoint = "pidfd_open", SetLastError = true)]
    public static partial int PidfdOpen(int pid, uint flags);

    /// <summary>siginfo_t is 128 bytes; si_code at 8, si_pid at 16, si_status at 24.</summary>
    [LibraryImport(LibC, EntryPoint = "waitid", SetLastError = true)]
    public static partial int WaitId(int idType, int id, byte* siginfo, int options);

    [LibraryImport(LibC, EntryPoint = "waitpid", SetLastError = true)]
    public static partial int WaitPid(int pid, int* status, int options);
}
