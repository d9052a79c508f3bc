using PerpPS.Core.Protocol;

namespace PerpPS.Tools.Perpls;

/// <summary>
/// One triplet of the perpls panel (main or log) and the uptime and pid shown for it
/// (spec §7.3), from the status record and the "now" taken once after connecting.
/// </summary>
internal readonly record struct SubserviceView(char C1, char C2, char C3, ulong Uptime, uint Pid)
{
    /// <summary>The "---" of a service without a log (or a row without a status).</summary>
    public static SubserviceView None => new('-', '-', '-', 0, 0);

    /// <summary>Whether perpls prints this sub-service's uptime and pid (middle char + or o).</summary>
    public bool ShowsNumbers => C2 is '+' or 'o';

    public static SubserviceView From(SubserviceStatus sub, Tai64N now)
    {
        ulong uptime = Tai64N.RoundedSecondsBetween(now, sub.When);
        uint pid = sub.Pid;
        char state = pid != 0 ? '+' : '.';
        char c1 = state, c2 = state, c3 = state;
        if ((pid == 0 && !sub.WantsDown) || (pid != 0 && sub.WantsDown)) c1 = '!';
        if (pid > 0)
        {
            if (sub.IsOnce) c2 = 'o';
            if (sub.IsPaused) c3 = 'p';
            bool resetting = (sub.Flags & SubserviceFlags.IsReset) != 0;
            if (resetting) c3 = 'r';
            // A process younger than half a second is shown as "wanting up": it may be a
            // start about to fail, or one still waiting out the respawn governor (§3.7).
            if (uptime < 1 && !resetting)
            {
                pid = 0;
                c1 = '!';
                c2 = '.';
                c3 = '.';
            }
        }
        return new SubserviceView(c1, c2, c3, uptime, pid);
    }
}
