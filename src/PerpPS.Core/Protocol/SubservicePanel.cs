namespace PerpPS.Core.Protocol;

/// <summary>
/// perpls's reading of one sub-service (spec §7.3), the one rule perpls and the module's
/// Status/Panel share: the panel triplet ("+++", "!..", "+op", ...), the uptime in perp's
/// rounded seconds, and the pid shown (0 where perpls hides it). "now" is taken once per
/// connection by the caller, as perpls does.
/// </summary>
public readonly record struct SubservicePanel(char C1, char C2, char C3, ulong Uptime, uint Pid)
{
    /// <summary>The "---" of a service without a log (or a row without a status).</summary>
    public static SubservicePanel None => new('-', '-', '-', 0, 0);

    /// <summary>The triplet as text, e.g. "+o+".</summary>
    public string Triplet => new([C1, C2, C3]);

    /// <summary>Whether perpls prints this sub-service's uptime and pid (middle char + or o).</summary>
    public bool ShowsNumbers => C2 is '+' or 'o';

    public static SubservicePanel From(SubserviceStatus sub, Tai64N now)
    {
        ulong uptime = Tai64N.RoundedSecondsBetween(now, sub.When);
        uint pid = sub.Pid;
        char state = pid != 0 ? '+' : '.';
        char c1 = state, c2 = state, c3 = state;
        if ((pid == 0 && !sub.WantsDown) || (pid != 0 && sub.WantsDown)) c1 = '!';
        if (pid != 0)
        {
            if (sub.IsOnce) c2 = 'o';
            if (sub.IsPaused) c3 = 'p';
            if (sub.IsResetting) c3 = 'r';
            // A start younger than half a second is shown as "wanting up", without its pid: it
            // may be a start about to fail, or one still waiting out the respawn governor (§3.7).
            if (uptime < 1 && !sub.IsResetting)
            {
                pid = 0;
                c1 = '!';
                c2 = '.';
                c3 = '.';
            }
        }
        return new SubservicePanel(c1, c2, c3, uptime, pid);
    }

    /// <summary>
    /// The panel's first character for a service (spec §7.3): '+' active, '!' being
    /// deactivated, 'R' being reactivated (cull with cycle).
    /// </summary>
    public static char ServiceState(ServiceFlags flags) =>
        (flags & ServiceFlags.Cull) == 0 ? '+' : (flags & ServiceFlags.Cycle) != 0 ? 'R' : '!';
}
