using System.Runtime.InteropServices;

namespace PerpPS.Core.Interop;

/// <summary>Resource limits (struct rlimit is two 64-bit counts on 64-bit Linux).</summary>
public static unsafe partial class Libc
{
    public const int RLIMIT_NOFILE = 7;

    [StructLayout(LayoutKind.Sequential)]
    public struct RLimit
    {
        public ulong Current;
        public ulong Maximum;
    }

    [LibraryImport(LibC, EntryPoint = "getrlimit", SetLastError = true)]
    public static partial int GetRLimit(int resource, RLimit* limit);

    [LibraryImport(LibC, EntryPoint = "setrlimit", SetLastError = true)]
    public static partial int SetRLimit(int resource, RLimit* limit);
}
