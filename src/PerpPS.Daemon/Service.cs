using PerpPS.Core.Protocol;

namespace PerpPS.Daemon;

/// <summary>
/// One activated service definition (spec §3.1): its identity (dev/ino of the directory),
/// an open descriptor on the directory (runscripts start there even after a rename or
/// deletion), the 31-byte name, the activation time, the svdef flags, the log pipe and
/// the two sub-services.
/// </summary>
internal sealed partial class Service
{
    /// <summary>perp keeps names in a 32-byte buffer: at most 31 bytes reach argv and logs.</summary>
    public const int MaxNameBytes = 31;

    public Service(ServiceId id, int directoryFd, ReadOnlySpan<byte> directoryName, Tai64N activated)
    {
        Id = id;
        DirectoryFd = directoryFd;
        Activated = activated;
        Main = new Subservice(this, isLog: false);
        Log = new Subservice(this, isLog: true);
        Rename(directoryName);
    }

    public ServiceId Id { get; }
    /// <summary>The directory's descriptor; for a compact service (<see cref="DirectoryTransient"/>) open only while leased, else -1.</summary>
    public int DirectoryFd { get; set; }
    /// <summary>Near the descriptor limit perpd holds no directory descriptor for this service: it opens <see cref="DirectoryName"/> under the base when needed.</summary>
    public bool DirectoryTransient;
    /// <summary>The directory's full name in the base (the scan keeps it current).</summary>
    public byte[] DirectoryName { get; private set; } = [];
    public Tai64N Activated { get; }
    public ServiceFlags Flags;
    /// <summary>The log pipe, read end and write end; -1 when closed or when there is no log; one read-write descriptor (both equal) for a compact service.</summary>
    public int LogPipeRead = -1, LogPipeWrite = -1;
    public Subservice Main { get; }
    public Subservice Log { get; }
    /// <summary>Definition fingerprints for restart-on-change (0: not stamped yet).</summary>
    public ulong MainStamp, LogStamp;
    /// <summary>Set once the record has left the table; stale deadlines check it.</summary>
    public bool Removed;
    /// <summary>Its removal waits for its killed cgroups to empty; the inotify watch on its cgroup.events (-1: none, the deadline alone ends the wait).</summary>
    public bool Draining;
    public int DrainWatch = -1, DrainLooks;
    /// <summary>Readiness, health, dependencies, backoff and stop policy (files beyond perp).</summary>
    public readonly Policy.PolicyState Policy = new();

    /// <summary>The truncated name used in argv and log lines.</summary>
    public byte[] Name { get; private set; } = [];

    public bool Has(ServiceFlags f) => (Flags & f) != 0;
    public bool HasLog => Has(ServiceFlags.HasLog);
    public bool IsCulling => Has(ServiceFlags.Cull);
    public bool AnythingRunning => Main.IsRunning || Log.IsRunning;

    /// <summary>Takes a (possibly new) directory name, keeping its first 31 bytes.</summary>
    public void Rename(ReadOnlySpan<byte> directoryName)
    {
        if (!directoryName.SequenceEqual(DirectoryName)) DirectoryName = directoryName.ToArray();
        var n = directoryName[..Math.Min(directoryName.Length, MaxNameBytes)];
        if (!n.SequenceEqual(Name)) Name = n.ToArray();
    }

    public StatusRecord ToStatus(uint daemonPid, Tai64N daemonStarted) =>
        new(daemonPid, daemonStarted, Activated, Flags, Main.ToStatus(), HasLog ? Log.ToStatus() : default);
}
