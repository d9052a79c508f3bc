using PerpPS.Core.Protocol;

namespace PerpPS.Cmdlets.Engine;

/// <summary>
/// Copies perpd's extended figures (exit kind/code/signal, last exit time, run time,
/// restarts, start failures, cgroup process count and CPU time) onto the module's objects, and turns an event record into a
/// PerpServiceEvent. Without the extension every figure stays null ("not available").
/// </summary>
internal static class ExtendedFields
{
    public static void Apply(PerpService service, ExtendedStatus status)
    {
        service.Extended = status;
        if (!status.HasExtension) return;
        var m = status.Main;
        service.LastExitKind = (PerpExitKind)m.LastExitKind;
        service.LastExitCode = ExitCode(m.LastExitKind, m.LastExitValue);
        service.LastSignal = m.Signal;
        service.LastExitTime = m.LastExitTime.ToDateTime()?.ToLocalTime();
        service.LastRunTime = m.LastRunTime;
        service.Restarts = (int)Math.Min(m.Restarts, int.MaxValue);
        service.StartFailures = (int)Math.Min(m.StartFailures, int.MaxValue);
        (service.ProcessCount, service.CpuTime) = Usage(m);
        if (service.Log is { } log && status.Status.HasLog)
        {
            var l = status.Log;
            log.LastExitKind = (PerpExitKind)l.LastExitKind;
            log.LastExitCode = ExitCode(l.LastExitKind, l.LastExitValue);
            log.LastSignal = l.Signal;
            log.LastExitTime = l.LastExitTime.ToDateTime()?.ToLocalTime();
            log.LastRunTime = l.LastRunTime;
            log.Restarts = (int)Math.Min(l.Restarts, int.MaxValue);
            log.StartFailures = (int)Math.Min(l.StartFailures, int.MaxValue);
            (log.ProcessCount, log.CpuTime) = Usage(l);
        }
    }

    /// <summary>The cgroup figures (process count, CPU time), or nulls when perpd runs without cgroups.</summary>
    private static (int?, TimeSpan?) Usage(SubserviceExtension e) =>
        (e.Present & ExtensionFields.Cgroup) == 0 ? (null, null)
            : ((int)Math.Min(e.ProcessCount, int.MaxValue), TimeSpan.FromTicks((long)Math.Min(e.CpuMicroseconds * 10, long.MaxValue)));

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
