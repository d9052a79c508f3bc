using PerpPS.Core.Protocol;

namespace PerpPS.Daemon;

/// <summary>The extended status record of a service (x packet payload).</summary>
internal sealed partial class Service
{
    public ExtendedStatus ToExtended(uint daemonPid, Tai64N daemonStarted, ulong eventSequence, Containment containment) =>
        new(Id, ToStatus(daemonPid, daemonStarted), ExtendedStatus.CurrentVersion, eventSequence,
            Main.ToExtension(containment), HasLog ? Log.ToExtension(containment) : default);
}
