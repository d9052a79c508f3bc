using System.Management.Automation;
using PerpPS.Cmdlets.Engine;
using PerpPS.Core.Client;
using PerpPS.Core.Posix;
using PerpPS.Core.Protocol;

namespace PerpPS.Cmdlets;

/// <summary>
/// Reading many services at once (Get-PerpService): every directory first, then perpd's
/// status of all of them in one bulk request (L; one Q each against perp 2.07's perpd),
/// instead of one round trip per service. The request leaves out the cgroup figures (reading
/// them is most of what it costs perpd, issue #13): each object reads its ProcessCount and
/// CpuTime when they are first looked at (<see cref="UsageBatch"/>). The objects share one
/// <see cref="StatusTable"/> of the replies.
/// </summary>
public abstract partial class PerpCmdlet
{
    private static readonly CapacityHint BulkSize = new();

    /// <summary>The services named, in order; errors written for those that cannot be read (as <see cref="ReadService"/>).</summary>
    internal List<PerpService> ReadServices(string baseDirectory, IEnumerable<string> names)
    {
        var services = new List<PerpService>();
        var ids = new List<ServiceId>();
        // The services whose identity the listing took from their directory entries (no mode).
        List<int>? modeless = null;
        // The directories the catalog did not stat, relative to the base.
        using var handle = BaseHandle.Open(baseDirectory);
        foreach (string name in names)
        {
            int errno = StatService(baseDirectory, name, out var stat, out bool hasMode, handle);
            if (errno != 0)
            {
                ServiceMissing(baseDirectory, name, new PosixException(errno, $"service directory not found: {Path.Combine(baseDirectory, name)}"));
                continue;
            }
            if (!stat.IsDirectory)
            {
                WriteError(new ErrorRecord(new ArgumentException($"'{Path.Combine(baseDirectory, name)}' is not a directory, so it is not a Perp service."),
                    ErrorIds.NotADirectory, ErrorCategory.InvalidArgument, name));
                continue;
            }
            // rc.log is looked at only where perpd does not answer for the service (its
            // status says whether it runs a logger).
            BulkSize.BeforeAdd(services);
            BulkSize.BeforeAdd(ids);
            if (!hasMode) (modeless ??= []).Add(services.Count);
            services.Add(ServiceReader.FromDisk(baseDirectory, name, stat, probeLog: false, hasMode));
            ids.Add(stat.Id);
        }
        BulkSize.Done(services.Count);
        if (services.Count == 0) return services;
        var now = Tai64N.Now();
        // Each status straight into its row of the table the objects share, and onto its
        // object, as it is read; what each reply was, for the errors below, in the services' order.
        var table = new StatusTable(services.Count, baseDirectory, usageLater: true);
        var outcome = new (ReplyKind Kind, int Errno)[services.Count];
        void Apply(int i, in ExtendedReply reply)
        {
            outcome[i] = (reply.Kind, reply.Errno);
            if (reply.Kind != ReplyKind.Status) return;
            table.Set(i, reply.Status);
            ServiceReader.ApplyStatus(services[i], table, i, now);
            ExtendedFields.Apply(services[i], table[i], usageLater: true);
        }
        try
        {
            var connection = Connection(baseDirectory);
            connection.QueryMany(ids, ListFlags.NoCgroupFigures, Apply);
            if (modeless != null) ReadModeless(handle, services, ids, modeless, outcome, connection, Apply);
        }
        catch (ControlException)
        {
            // A stream that broke off: one query per service, each with its own error.
            var one = new List<PerpService>(services.Count);
            foreach (var s in services)
                if (ReadService(baseDirectory, s.Name) is { } r) one.Add(r);
            return one;
        }
        // The services read, in order, moved down over those that could not be (no second list).
        int kept = 0;
        for (int i = 0; i < services.Count; i++)
        {
            var service = services[i];
            var (kind, errno) = outcome[i];
            switch (kind)
            {
                case ReplyKind.Status:
                    ApplyDependencies(service);
                    services[kept++] = service;
                    break;
                case ReplyKind.Error when errno == Errno.ENOTDIR:
                    service.HasLog = ServiceReader.HasLogOnDisk(service.Path);
                    ApplyDependencies(service);
                    services[kept++] = service;
                    break;
                case ReplyKind.Error:
                    service.HasLog = ServiceReader.HasLogOnDisk(service.Path);
                    WriteError(new ErrorRecord(new PosixException(errno, $"status query for {service.Name} failed"),
                        ErrorIds.CommandFailed, ErrorCategory.ReadError, service));
                    break;
                default:
                    service.HasLog = ServiceReader.HasLogOnDisk(service.Path);
                    WriteError(new ErrorRecord(new InvalidDataException($"unknown packet in status reply for {service.Name}"),
                        ErrorIds.ProtocolError, ErrorCategory.ProtocolError, service));
                    break;
            }
        }
        services.RemoveRange(kept, services.Count - kept);
        return services;
    }

    /// <summary>
    /// The services the listing gave without a stat that perpd does not know by the identity
    /// the listing made for them: inactive ones (a stat for their sticky bit, as before), and
    /// any whose directory is a mount point or another file system's root (its real identity
    /// differs from the guess): those are asked for again, in one request.
    /// </summary>
    private static void ReadModeless(BaseHandle? handle, List<PerpService> services, List<ServiceId> ids, List<int> modeless,
        (ReplyKind Kind, int Errno)[] outcome, PerpConnection connection, ReplySink apply)
    {
        List<int>? again = null;
        List<ServiceId>? againIds = null;
        foreach (int i in modeless)
        {
            if (outcome[i] is not (ReplyKind.Error, Errno.ENOTDIR)) continue;
            var service = services[i];
            // Gone since the listing: shown as it was listed, not supervised.
            int errno = handle != null ? handle.Stat(service.Name, out var stat) : FileStatus.TryStat(service.Path, out stat);
            bool found = errno == 0 && stat.IsDirectory;
            ServiceReader.ApplyStickyBit(service, found && stat.IsSticky);
            if (!found || stat.Id == ids[i]) continue;
            (again ??= []).Add(i);
            (againIds ??= []).Add(stat.Id);
        }
        if (again != null) connection.QueryMany(againIds!, ListFlags.NoCgroupFigures, (int j, in ExtendedReply reply) => apply(again[j], reply));
    }
}
