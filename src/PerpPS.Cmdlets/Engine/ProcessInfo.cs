using PerpPS.Core.Posix;

namespace PerpPS.Cmdlets.Engine;

/// <summary>What /proc tells of a process (through Core's <see cref="ProcStat"/>): alive (a zombie is not), and its start time.</summary>
internal static class ProcessInfo
{
    /// <summary>True while the process exists and is not a zombie.</summary>
    public static bool IsAlive(int pid) => ProcStat.IsAlive(pid);

    /// <summary>The process's start time (UTC); null when unreadable.</summary>
    public static DateTime? StartTime(int pid) =>
        ProcStat.TryRead(pid, out var stat) ? stat.StartTimeUtc() : null;
}
