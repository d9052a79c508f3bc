using System.Runtime.InteropServices;

namespace PerpPS.Daemon.Interop;

/// <summary>
/// Signal state perpd inherits and must put right (sigaction, sigprocmask), and the process
/// calls of the survival features: prctl (child subreaper), pidfd_getfd, pidfd_send_signal.
/// </summary>
internal static unsafe partial class Native
{
    public const int SIG_BLOCK = 0, SIG_SETMASK = 2;
    public const int PR_SET_CHILD_SUBREAPER = 36;
    public const int P_ALL = 0;
    public const int WNOWAIT = 0x01000000;
    private const long SYS_pidfd_getfd = 438;

    [LibraryImport(LibC, EntryPoint = "sigprocmask", SetLastError = true)]
    public static partial int SigProcMask(int how, byte* set, byte* old);

    [LibraryImport(LibC, EntryPoint = "sigaddset", SetLastError = true)]
    public static partial int SigAddSet(byte* set, int signal);

    [LibraryImport(LibC, EntryPoint = "prctl", SetLastError = true)]
    public static partial int Prctl(int option, nuint arg2, nuint arg3, nuint arg4, nuint arg5);

    public const int F_GETFD = 1, F_SETFD = 2, F_GETFL = 3, F_SETFL = 4, FD_CLOEXEC = 1;

    [LibraryImport(LibC, EntryPoint = "fcntl", SetLastError = true)]
    public static partial int Fcntl(int fd, int command, int argument);

    [LibraryImport(LibC, EntryPoint = "syscall", SetLastError = true)]
    private static partial long Syscall3(long number, long a, long b, long c);

    /// <summary>pidfd_getfd(2): a copy of descriptor <paramref name="targetFd"/> of the process behind <paramref name="pidfd"/> (kernel 5.6, ptrace access).</summary>
    public static int PidfdGetfd(int pidfd, int targetFd) => (int)Syscall3(SYS_pidfd_getfd, pidfd, targetFd, 0);
}
