using PerpPS.Core.Interop;

namespace PerpPS.Daemon;

/// <summary>
/// How perpd spends its descriptors near RLIMIT_NOFILE (issue #11: with `--nofile=64:64`
/// and 100 services, activation used to take every descriptor, so no client could be
/// accepted, every perpls row was an error and perpd logged 257 lines a second).
/// <list type="bullet">
/// <item>Service descriptors (directories, log pipes) stop at <see cref="ServiceCeiling"/>:
/// the last <see cref="ClientReserve"/> descriptors stay for clients, so the control socket
/// is always answered and `perpctl d` of a running service works. A service that would need
/// more waits for activation (retried at the scan pause, silently).</item>
/// <item>Pidfds stop lower still, at <see cref="PidFdCeiling"/>: a child without one is
/// watched through SIGCHLD, so pidfds never crowd out services.</item>
/// <item>From the same point services are compact (<see cref="Compact"/>): no directory
/// descriptor, the log pipe in one, so at 64 descriptors a logged service costs 1 (perp: 3).</item>
/// <item>Warnings are one line per change of condition, not one per service and scan.</item>
/// </list>
/// </summary>
internal sealed class DescriptorBudget
{
    /// <summary>The last descriptors below the limit: no pidfds there, and services there are compact.</summary>
    private const int PidFdReserve = 64;

    public DescriptorBudget(long softLimit)
    {
        long limit = Math.Clamp(softLimit, 0, int.MaxValue);
        ClientReserve = (int)Math.Clamp(limit / 8, 8, 32);
        ServiceCeiling = (int)Math.Max(0, limit - ClientReserve);
        PidFdCeiling = (int)Math.Max(0, limit - PidFdReserve);
    }

    /// <summary>The budget of the current soft RLIMIT_NOFILE (perpd raised it to the hard limit).</summary>
    public static unsafe DescriptorBudget FromLimit()
    {
        Libc.RLimit limit;
        if (Libc.GetRLimit(Libc.RLIMIT_NOFILE, &limit) != 0 || limit.Current > int.MaxValue) return new DescriptorBudget(int.MaxValue);
        return new DescriptorBudget((long)limit.Current);
    }

    /// <summary>Descriptors at the top of the range kept for clients.</summary>
    public int ClientReserve { get; }

    /// <summary>A service directory or log pipe descriptor must be below this.</summary>
    public int ServiceCeiling { get; }

    /// <summary>A pidfd must be below this, else the child is watched through SIGCHLD.</summary>
    public int PidFdCeiling { get; }

    /// <summary>
    /// True when a descriptor just opened for a service lies in the last 64 below the limit
    /// (where pidfds stop too): the service becomes compact — no directory descriptor kept,
    /// its log pipe in one descriptor (<see cref="Supervisor"/>'s Descriptors part).
    /// With descriptors plentiful nothing changes.
    /// </summary>
    public bool Compact(int fd) => fd >= PidFdCeiling;

    /// <summary>True when a descriptor just opened for a service eats into the client reserve.</summary>
    public bool TooHighForService(int fd) => fd >= ServiceCeiling;
}
