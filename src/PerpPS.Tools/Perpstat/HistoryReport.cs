using System.Globalization;
using PerpPS.Core.Posix;
using PerpPS.Core.Protocol;
using PerpPS.Tools.Io;

namespace PerpPS.Tools.Perpstat;

/// <summary>
/// The lines perpstat adds after perp's three when perpd speaks the protocol extension
/// (perp's lines stay exactly as they were; a perp 2.07 perpd gets none of these):
/// <code>
///   main history: exit 3 2 seconds ago, ran 0.004 seconds, restarts 1110 (1110 since start), start failures 1110
///    log history: signal 9 SIGKILL 5 seconds ago, ran 12.301 seconds, restarts 1 (1 since start), start failures 0
/// </code>
/// The exit part is "no exit yet", "exit N", "signal N NAME[, core dumped]", "exec failure
/// ENAME" or "exit unknown"; "since start" counts from the last u or o. No log: no log line.
/// </summary>
internal static class HistoryReport
{
    public static IEnumerable<Line> Format(ExtendedStatus status, Tai64N now)
    {
        yield return Sub(new Line().S("  main history: "), status.Main, now);
        if (status.Status.HasLog) yield return Sub(new Line().S("   log history: "), status.Log, now);
    }

    private static Line Sub(Line line, SubserviceExtension e, Tai64N now)
    {
        switch (e.LastExitKind)
        {
            case ExitKind.None:
                line.S("no exit yet");
                break;
            case ExitKind.Exited:
                line.S("exit ").N(e.LastExitValue);
                break;
            case ExitKind.Killed or ExitKind.Dumped:
                line.S("signal ").N(e.LastExitValue).S(" ").S(SignalNames.Name(e.LastExitValue));
                if (e.LastExitKind == ExitKind.Dumped) line.S(", core dumped");
                break;
            case ExitKind.ExecFailed:
                line.S("exec failure ").S(Errno.Name(e.LastExitValue));
                break;
            default:
                line.S("exit unknown");
                break;
        }
        if (e.LastExitKind != ExitKind.None)
        {
            line.S(" ").N(Tai64N.RoundedSecondsBetween(now, e.LastExitTime)).S(" seconds ago");
            if (e.LastExitKind != ExitKind.ExecFailed)
                line.S(", ran ").S((e.LastRunNanoseconds / 1e9).ToString("0.000", CultureInfo.InvariantCulture)).S(" seconds");
        }
        return line.S(", restarts ").N(e.Restarts).S(" (").N(e.RestartsSinceStart).S(" since start), start failures ").N(e.StartFailures);
    }
}
