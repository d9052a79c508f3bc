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
/// CpuTime when they are first looked at (<see cref="UsageBatch"/>).
/// </summary>
public abstract partial class PerpCmdlet
{
    private static readonly CapacityHint BulkSize = new();

    /// <summary>The services named, in order; errors written for those that cannot be read (as <see cref="ReadService"/>).</summary>
    internal List<PerpService> ReadServices(string baseDirectory, IEnumerable<string> names)
    {
        var services = new List<PerpService>();
        var ids = new List<ServiceId>();
        // The directories the catalog did not stat, relative to the base.
        using (var handle = BaseHandle.Open(baseDirectory))
            foreach (string name in names)
            {
                int errno = StatService(baseDirectory, name, out var stat, handle);
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
                services.Add(ServiceReader.FromDisk(baseDirectory, name, stat, probeLog: false));
                ids.Add(stat.Id);
            }
        BulkSize.Done(services.Count);
        if (services.Count == 0) return services;
        var now = Tai64N.Now();
        var usageLater = new UsageBatch(baseDirectory);
        // Each status straight onto its object as it is read; what each reply was, for the
        // errors below, in the services' order.
        var outcome = new (ReplyKind Kind, int Errno)[services.Count];
        try
        {
            Connection(baseDirectory).QueryMany(ids, ListFlags.NoCgroupFigures, (int i, in ExtendedReply reply) =>
            {
                outcome[i] = (reply.Kind, reply.Errno);
                if (reply.Kind != ReplyKind.Status) return;
                ServiceReader.ApplyStatus(services[i], reply.Status, now);
                ExtendedFields.Apply(services[i], reply.Status, usageLater);
            });
        }
        catch (ControlException)
        {
            // A stream that broke off: one query per service, each with its own error.
            var one = new List<PerpService>(services.Count);
            foreach (var s in services)
                if (ReadService(baseDirectory, s.Name) is { } r) one.Add(r);
            return one;
        }
        var read = new List<PerpService>(services.Count);
        for (int i = 0; i < services.Count; i++)
        {
            var service = services[i];
            var (kind, errno) = outcome[i];
            switch (kind)
            {
                case ReplyKind.Status:
                    ApplyDependencies(service);
                    read.Add(service);
                    break;
                case ReplyKind.Error when errno == Errno.ENOTDIR:
                    service.HasLog = ServiceReader.HasLogOnDisk(service.Path);
                    ApplyDependencies(service);
                    read.Add(service);
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
        return read;
    }
}
