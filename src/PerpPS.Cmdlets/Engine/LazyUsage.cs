using System.Runtime.InteropServices;
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
    private readonly StatusTable _table;
    private readonly Dictionary<ServiceId, (CgroupUsage Main, CgroupUsage Log)> _read = new();
    private readonly object _gate = new();

    /// <summary>The figures of <paramref name="table"/>'s rows that were read without them, to be read from <paramref name="baseDirectory"/>'s perpd.</summary>
    public UsageBatch(string baseDirectory, StatusTable table) => (_base, _table) = (baseDirectory, table);

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
                    var rest = Unread();
                    var replies = client.QueryMany(CollectionsMarshal.AsSpan(rest), ListFlags.None);
                    for (int i = 0; i < rest.Count; i++) _read[rest[i]] = Of(replies[i]);
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

    /// <summary>The services of the table still without figures, each once (a name listed twice is one service).</summary>
    private List<ServiceId> Unread()
    {
        var rest = new List<ServiceId>();
        var seen = new HashSet<ServiceId>();
        for (int i = 0; i < _table.Count; i++)
        {
            ref readonly var row = ref _table[i];
            if (row.HasExtension && (row.Main.Present & ExtensionFields.Cgroup) == 0 && !_read.ContainsKey(row.Id) && seen.Add(row.Id))
                rest.Add(row.Id);
        }
        return rest;
    }

    private static (CgroupUsage, CgroupUsage) Of(ExtendedReply reply)
    {
        if (reply.Kind != ReplyKind.Status || !reply.Status.HasExtension) return default;
        var s = reply.Status;
        return (CgroupUsage.Of(s.Main), s.Status.HasLog ? CgroupUsage.Of(s.Log) : default);
    }
}

/// <summary>
/// What a service object's main and logger figures are read from: the service object itself,
/// through its <see cref="StatusTable"/> (no object of its own per service, issue #13).
/// </summary>
internal interface IUsageSource
{
    /// <summary>Main's figures (read now if not yet).</summary>
    CgroupUsage Main { get; }

    /// <summary>The logger's figures (read now if not yet).</summary>
    CgroupUsage Log { get; }
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
/// One cgroup figure of a service object: given (set) or read from an <see cref="IUsageSource"/>
/// the first time it is looked at, then kept. Main's and the logger's figures on
/// PerpService and PerpLogService are each one of these.
/// </summary>
internal struct LazyFigure<T>
{
    private T _value;
    private IUsageSource? _from;

    /// <summary>The figure: read through <paramref name="read"/> now if it is still to be read.</summary>
    public T Get(Func<IUsageSource, T> read)
    {
        if (_from is { } from) (_value, _from) = (read(from), null);
        return _value;
    }

    public void Set(T value) => (_value, _from) = (value, null);

    /// <summary>The figure is to be read from <paramref name="usage"/> when first looked at.</summary>
    public void ReadLater(IUsageSource usage) => _from = usage;
}
