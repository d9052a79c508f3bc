using PerpPS.Core.Protocol;
using PerpPS.Tools.Io;

namespace PerpPS.Tools.Perpstat;

/// <summary>
/// perpstat's three-line report of one service (spec §8), character for character:
/// "SV: activated N seconds[, deactivation in progress][, flagged for reactivation]",
/// "  main: STATE", "   log: STATE". "seconds" is never singular, and a never-started
/// sub-service shows perp's ~4.6e18 seconds against its zero timestamp, on purpose.
/// </summary>
internal static class StatusReport
{
    public static IEnumerable<Line> Format(byte[] name, StatusRecord status, Tai64N now)
    {
        var head = new Line().B(name).S(": activated ").N(Tai64N.RoundedSecondsBetween(now, status.Activated)).S(" seconds");
        if ((status.Flags & ServiceFlags.Cull) != 0) head.S(", deactivation in progress");
        if ((status.Flags & ServiceFlags.Cycle) != 0) head.S(", flagged for reactivation");
        yield return head;
        yield return State(new Line().S("  main: "), status.Main, now);
        yield return status.HasLog
            ? State(new Line().S("   log: "), status.Log, now)
            : new Line().S("   log: (no log)");
    }

    private static Line State(Line line, SubserviceStatus sub, Tai64N now)
    {
        ulong uptime = Tai64N.RoundedSecondsBetween(now, sub.When);
        bool resetting = (sub.Flags & SubserviceFlags.IsReset) != 0;
        if (sub.Pid == 0)
        {
            line.S("down ").N(uptime).S(" seconds");
            if (!sub.WantsDown) line.S(", want up!");
            if (sub.IsOnce) line.S(", flagged once");
        }
        else if (uptime < 1 && !resetting)
        {
            // Younger than half a second: shown as wanting up, like perpls does.
            line.S("down, want up!");
            if (sub.IsOnce) line.S(", flagged once");
        }
        else
        {
            line.S(resetting ? "resetting " : "up ").N(uptime).S(" seconds (pid ").N(sub.Pid).S(")");
            if (sub.IsPaused) line.S(", paused");
            if (sub.IsOnce) line.S(", flagged once");
        }
        return line;
    }
}
