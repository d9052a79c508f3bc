using PerpPS.Core.Client;
using PerpPS.Core.Protocol;

namespace PerpPS.Cmdlets.Engine;

/// <summary>
/// The cgroup figures (ProcessCount, CpuTime) of the objects of one Get-PerpService read,
/// read on first access, as System.Diagnostics.Process reads its figures: the bulk read
/// asks perpd without them (<see cref="ListFlags.NoCgroupFigures"/>, issue #13). The first
/// object of the read whose ProcessCount or CpuTime is looked at asks for its own service
/// with one X (by dev/ino); the next one asks for all the others of the read at once with
/// one bulk request with the figures, so <c>Get-PerpService | Sort-Object CpuTime</c> costs
/// two requests, not one per service. Each request is made on a short connection of its
/// own, never the cmdlet's (which may be gone, and is not thread-safe). One answer serves a
/// service's main and logger, both figures: they come from the same moment, and are kept.
/// Null figures when perpd runs without cgroups, cannot be reached (stopped since), or no
/// longer knows the service.
/// </summary>
internal sealed class UsageBatch
{
    // A property read should not hang on a stopped perpd: perpd answers at once.
    private static readonly TimeSpan IoTimeout = TimeSpan.FromSeconds(2);

    private readonly string _base;
    private readonly List<ServiceId> _ids = new();
    private readonly Dictionary<ServiceId, (CgroupUsage Main, CgroupUsage Log)> _read = new();
    private readonly object _gate = new();

    public UsageBatch(string baseDirectory) => _base = baseDirectory;

    /// <summary>A service of the read whose figures are to be read later.</summary>
    public LazyUsage Add(ServiceId id)
    {
        lock (_gate) _ids.Add(id);
        return new LazyUsage(this, id);
    }

    /// <summary>The figures of a service of the batch: kept, or read now.</summary>
    public (CgroupUsage Main, CgroupUsage Log) Get(ServiceId id)
    {
        lock (_gate)
        {
            if (_read.TryGetValue(id, out var known)) return known;
            try
            {
                using var client = ControlClient.ConnectToBase(_base, IoTimeout);
                if (_read.Count == 0)
                {
                    _read[id] = Of(client.QueryExtended(id, fallback: false));
                }
                else
                {
                    var rest = _ids.Where(i => !_read.ContainsKey(i)).Distinct().ToArray();
                    var replies = client.QueryMany(rest, ListFlags.None);
                    for (int i = 0; i < rest.Length; i++) _read[rest[i]] = Of(replies[i]);
                }
            }
            catch (ControlException)
            {
                // perpd is gone: not available.
            }
            if (!_read.TryGetValue(id, out known)) _read[id] = known = default;
            return known;
        }
    }

    private static (CgroupUsage, CgroupUsage) Of(ExtendedReply reply)
    {
        if (reply.Kind != ReplyKind.Status || !reply.Status.HasExtension) return default;
        var s = reply.Status;
        return (CgroupUsage.Of(s.Main), s.Status.HasLog ? CgroupUsage.Of(s.Log) : default);
    }
}

/// <summary>One service's place in a <see cref="UsageBatch"/>: what its main and logger objects read from.</summary>
internal sealed class LazyUsage(UsageBatch batch, ServiceId id)
{
    /// <summary>Main's figures (read now if not yet).</summary>
    public CgroupUsage Main => batch.Get(id).Main;

    /// <summary>The logger's figures (read now if not yet).</summary>
    public CgroupUsage Log => batch.Get(id).Log;
}

/// <summary>A sub-service's cgroup figures; nulls when not available.</summary>
internal readonly record struct CgroupUsage(int? ProcessCount, TimeSpan? CpuTime)
{
    /// <summary>The figures of a block, or nulls when perpd left them out (fallback mode, or an L without them).</summary>
    public static CgroupUsage Of(SubserviceExtension e) =>
        (e.Present & ExtensionFields.Cgroup) == 0 ? default
            : new((int)Math.Min(e.ProcessCount, int.MaxValue), TimeSpan.FromTicks((long)Math.Min(e.CpuMicroseconds * 10, long.MaxValue)));
}

/// <summary>
/// One cgroup figure of a service object: given (set) or read from a <see cref="LazyUsage"/>
/// the first time it is looked at, then kept. Main's and the logger's figures on
/// PerpService and PerpLogService are each one of these.
/// </summary>
internal struct LazyFigure<T>
{
    private T _value;
    private LazyUsage? _from;

    /// <summary>The figure: read through <paramref name="read"/> now if it is still to be read.</summary>
    public T Get(Func<LazyUsage, T> read)
    {
        if (_from is { } from) (_value, _from) = (read(from), null);
        return _value;
    }

    public void Set(T value) => (_value, _from) = (value, null);

    /// <summary>The figure is to be read from <paramref name="usage"/> when first looked at.</summary>
    public void ReadLater(LazyUsage usage) => _from = usage;
}
