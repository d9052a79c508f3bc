using PerpPS.Core.Protocol;

namespace PerpPS.Cmdlets.Engine;

/// <summary>
/// perpls's reading of one sub-service (spec §7.3): the status, the panel triplet, and the
/// age in perp's rounded seconds. "now" is taken once per connection by the caller.
/// </summary>
internal readonly record struct SubserviceView(PerpServiceStatus Status, string Triplet, ulong Age)
{
    public static SubserviceView Of(SubserviceStatus sub, Tai64N now)
    {
        ulong age = Tai64N.RoundedSecondsBetween(now, sub.When);
        bool running = sub.Pid != 0;
        char t1 = running ? '+' : '.', t2 = t1, t3 = t1;
        if ((!running && !sub.WantsDown) || (running && sub.WantsDown)) t1 = '!';
        bool young = false;
        if (running)
        {
            if (sub.IsOnce) t2 = 'o';
            if (sub.IsPaused) t3 = 'p';
            if (sub.IsResetting) t3 = 'r';
            // perp hides a start younger than half a second: it shows as "wants up".
            if (age < 1 && !sub.IsResetting)
            {
                young = true;
                t1 = '!'; t2 = '.'; t3 = '.';
            }
        }
        PerpServiceStatus status =
            !running ? (sub.WantsDown ? PerpServiceStatus.Down : PerpServiceStatus.Starting)
            : sub.IsResetting ? PerpServiceStatus.Resetting
            : sub.WantsDown ? PerpServiceStatus.Stopping
            : young ? PerpServiceStatus.Starting
            : sub.IsPaused ? PerpServiceStatus.Paused
            : PerpServiceStatus.Up;
        return new SubserviceView(status, new string(new[] { t1, t2, t3 }), age);
    }

    /// <summary>Whether perpls would print the pid and uptime (panel shows + or o first).</summary>
    public bool ShowsUptime => Triplet[0] is '+' or 'o';
}
