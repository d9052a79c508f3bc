using PerpPS.Core.Client;
using PerpPS.Core.Protocol;

namespace PerpPS.Cmdlets.Engine;

/// <summary>
/// The cgroup figures (ProcessCount, CpuTime) of one service, read on first access, as
/// System.Diagnostics.Process reads its figures: Get-PerpService's bulk read asks perpd
/// without them (<see cref="ListFlags.NoCgroupFigures"/>, issue #13), and the first object
/// of the service (main or its logger) whose ProcessCount or CpuTime is read asks for them
/// with one X of the service (by dev/ino) on a short connection of its own, never the
/// cmdlet's (which may be gone, and is not thread-safe). The one answer serves main and
/// the logger, both figures: they come from the same moment. Null figures when perpd runs
/// without cgroups, cannot be reached (stopped since), or no longer knows the service.
/// </summary>
internal sealed class LazyUsage
{
    // A property read should not hang on a stopped perpd: perpd answers X at once.
    private static readonly TimeSpan IoTimeout = TimeSpan.FromSeconds(2);

    private readonly string _base;
    private readonly ServiceId _id;
    private readonly object _gate = new();
    private bool _read;
    private CgroupUsage _main, _log;

    public LazyUsage(string baseDirectory, ServiceId id)
    {
        _base = baseDirectory;
        _id = id;
    }

    /// <summary>Main's figures (read now if not yet).</summary>
    public CgroupUsage Main
    {
        get
        {
            Read();
            return _main;
        }
    }

    /// <summary>The logger's figures (read now if not yet).</summary>
    public CgroupUsage Log
    {
        get
        {
            Read();
            return _log;
        }
    }

    private void Read()
    {
        lock (_gate)
        {
            if (_read) return;
            _read = true;
            try
            {
                using var client = ControlClient.ConnectToBase(_base, IoTimeout);
                var reply = client.QueryExtended(_id, fallback: false);
                if (reply.Kind != ReplyKind.Status || !reply.Status.HasExtension) return;
                _main = CgroupUsage.Of(reply.Status.Main);
                if (reply.Status.Status.HasLog) _log = CgroupUsage.Of(reply.Status.Log);
            }
            catch (ControlException)
            {
                // perpd is gone: not available.
            }
        }
    }
}

/// <summary>A sub-service's cgroup figures; nulls when not available.</summary>
internal readonly record struct CgroupUsage(int? ProcessCount, TimeSpan? CpuTime)
{
    /// <summary>The figures of a block, or nulls when perpd left them out (fallback mode, or an L without them).</summary>
    public static CgroupUsage Of(SubserviceExtension e) =>
        (e.Present & ExtensionFields.Cgroup) == 0 ? default
            : new((int)Math.Min(e.ProcessCount, int.MaxValue), TimeSpan.FromTicks((long)Math.Min(e.CpuMicroseconds * 10, long.MaxValue)));
}
