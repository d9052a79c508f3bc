using PerpPS.Core.Protocol;

namespace PerpPS.Cmdlets.Engine;

/// <summary>
/// Copies perpd's extended figures (exit kind/code/signal, last exit time, run time,
/// restarts, start failures, cgroup process count and CPU time) onto the module's objects, and turns an event record into a
/// PerpServiceEvent. Without the extension every figure stays null ("not available").
/// </summary>
internal static class ExtendedFields
{
    /// <summary>
    /// The figures of <paramref name="status"/> onto the objects (after <see cref="ServiceReader.ApplyStatus"/>, which keeps the record).
    /// <paramref name="usageLater"/> (a record of an L without the cgroup figures,
    /// <see cref="ListFlags.NoCgroupFigures"/>, kept in a <see cref="StatusTable"/> with a
    /// <see cref="StatusTable.Usage"/>): ProcessCount and CpuTime are read when first looked
    /// at, unless the record has them anyway (a perpd that ignores the flag).
    /// </summary>
    public static void Apply(PerpService service, in ExtendedStatus status, bool usageLater = false)
    {
        if (!status.HasExtension) return;
        Apply(service, status.Main);
        PolicyFields.Apply(service, status);
        var log = status.Status.HasLog ? service.Log : null;
        if (log != null) Apply(log, status.Log);
        if (usageLater && (status.Main.Present & ExtensionFields.Cgroup) == 0)
        {
            service.ReadUsageLater();
            return;
        }
        (service.ProcessCount, service.CpuTime) = CgroupUsage.Of(status.Main);
        if (log != null) (log.ProcessCount, log.CpuTime) = CgroupUsage.Of(status.Log);
    }

    /// <summary>One sub-service's figures onto main's object or the logger's.</summary>
    private static void Apply(IRunHistory target, SubserviceExtension block)
    {
        target.LastExitKind = (PerpExitKind)block.LastExitKind;
        target.LastExitCode = ExitCode(block.LastExitKind, block.LastExitValue);
        target.LastSignal = block.Signal;
        target.LastExitTime = block.LastExitTime.ToDateTime()?.ToLocalTime();
        target.LastRunTime = block.LastRunTime;
        target.Restarts = (int)Math.Min(block.Restarts, int.MaxValue);
        target.StartFailures = (int)Math.Min(block.StartFailures, int.MaxValue);
    }

    /// <summary>The exit code perp would report: the code, or 111 for a runscript that could not be executed.</summary>
    public static int? ExitCode(ExitKind kind, byte value) => kind switch
    {
        ExitKind.Exited => value,
        ExitKind.ExecFailed => 111,
        _ => null,
    };

    public static PerpServiceEvent ToEvent(PerpEvent ev, string name, string baseDirectory) => new()
    {
        Name = name,
        Base = baseDirectory,
        Event = (PerpEventKind)ev.Kind,
        Time = ev.Time.ToDateTime()?.ToLocalTime(),
        Target = (PerpEventTarget)ev.Target,
        Pid = (int)ev.Pid,
        ExitCode = ev.Kind is EventKind.Exited or EventKind.ResetDone or EventKind.ExecFailed ? ExitCode(ev.ExitKind, ev.ExitValue) : null,
        Signal = ev.Kind is EventKind.Exited or EventKind.ResetDone && ev.ExitKind is ExitKind.Killed or ExitKind.Dumped ? ev.ExitValue : null,
        Sequence = ev.Sequence,
        Detail = ev.Detail,
    };

    /// <summary>
    /// "exited with code 3", "was killed by signal 9 (SIGKILL)", ...: how main's last run
    /// ended, for PerpServiceExited messages.
    /// </summary>
    public static string DescribeLastExit(SubserviceExtension m)
    {
        string run = m.LastRunTime is { } t ? $" after {t.TotalSeconds:0.###}s" : "";
        return m.LastExitKind switch
        {
            ExitKind.Exited => $"exited with code {m.LastExitValue}{run}",
            ExitKind.Killed => $"was killed by signal {m.LastExitValue} ({SignalName(m.LastExitValue)}){run}",
            ExitKind.Dumped => $"was killed by signal {m.LastExitValue} ({SignalName(m.LastExitValue)}) and dumped core{run}",
            ExitKind.ExecFailed => $"could not be executed (exit 111, errno {m.LastExitValue})",
            _ => $"ended{run}",
        };
    }

    private static string SignalName(int n) => PerpPS.Core.Posix.SignalNames.Name(n);
}
