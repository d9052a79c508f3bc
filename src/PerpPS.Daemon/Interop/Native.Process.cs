using System.Runtime.InteropServices;

namespace PerpPS.Daemon.Interop;

/// <summary>What only perpd needs of spawning and reaping: si_code values.</summary>
internal static unsafe partial class Native
{
    public const int CLD_EXITED = 1, CLD_KILLED = 2, CLD_DUMPED = 3;
}
