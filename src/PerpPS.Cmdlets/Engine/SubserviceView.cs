using PerpPS.Core.Protocol;

namespace PerpPS.Cmdlets.Engine;

/// <summary>
/// perpls's reading of one sub-service (spec §7.3, Core's <see cref="SubservicePanel"/>, the
/// rule perpls itself runs) turned into the module's status: the status and perpls's reading
/// itself (triplet, age in perp's rounded seconds). "now" is taken once per connection by the caller.
/// </summary>
internal readonly record struct SubserviceView(PerpServiceStatus Status, SubservicePanel Panel)
{
    /// <summary>The panel triplet, e.g. "+o+".</summary>
    public string Triplet => Panel.Triplet;

    /// <summary>Time since the run started, in perp's rounded seconds.</summary>
    public ulong Age => Panel.Uptime;

    public static SubserviceView Of(SubserviceStatus sub, Tai64N now)
    {
        var panel = SubservicePanel.From(sub, now);
        bool running = sub.Pid != 0;
        // perpls hides the pid of a start younger than half a second: it shows as "wants up".
        bool young = running && panel.Pid == 0;
        PerpServiceStatus status =
            !running ? (sub.WantsDown ? PerpServiceStatus.Down : PerpServiceStatus.Starting)
            : sub.IsResetting ? PerpServiceStatus.Resetting
            : sub.WantsDown ? PerpServiceStatus.Stopping
            : young ? PerpServiceStatus.Starting
            : sub.IsPaused ? PerpServiceStatus.Paused
            : PerpServiceStatus.Up;
        return new SubserviceView(status, panel);
    }
}
