using PerpPS.Core.Protocol;

namespace PerpPS.Daemon;

/// <summary>The extended status record of a service (x packet payload).</summary>
internal sealed partial class Service
{
    /// <summary>The record; <paramref name="usage"/> false leaves out the cgroup figures (see <see cref="Subservice.ToExtension"/>).</summary>
    public ExtendedStatus ToExtended(uint daemonPid, Tai64N daemonStarted, ulong eventSequence, Containment containment, bool usage) =>
        new(Id, ToStatus(daemonPid, daemonStarted), ExtendedStatus.CurrentVersion, eventSequence,
            Main.ToExtension(containment, usage), HasLog ? Log.ToExtension(containment, usage) : default);
}
