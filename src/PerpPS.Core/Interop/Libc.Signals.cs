using System.Runtime.InteropServices;

namespace PerpPS.Core.Interop;

/// <summary>Signal sets and dispositions, as the spawners and exec paths reset them.</summary>
public static unsafe partial class Libc
{
    /// <summary>sigset_t is 1024 bits in glibc.</summary>
    public const int SigSetSize = 128;

    /// <summary>sigemptyset(3) without the call: glibc's empty set is all bits clear, and
    /// this form has no result to check (the call's can only report a bad pointer).</summary>
    public static void SigEmptySet(void* set) => new Span<byte>(set, SigSetSize).Clear();

    /// <summary>signal(2): used only to put back default dispositions (handler 0 = SIG_DFL).</summary>
    [LibraryImport(LibC, EntryPoint = "signal", SetLastError = true)]
    public static partial nint Signal(int signal, nint handler);

    /// <summary>struct sigaction in glibc on 64-bit Linux: handler at 0, 152 bytes in all.</summary>
    public const int SigActionSize = 152;
    public const nint SIG_DFL = 0, SIG_IGN = 1;

    [LibraryImport(LibC, EntryPoint = "sigaction", SetLastError = true)]
    public static partial int SigAction(int signal, byte* action, byte* old);
}
