using System.Management.Automation;
using PerpPS.Cmdlets.Completion;
using PerpPS.Core.Client;
using PerpPS.Core.Posix;
using PerpPS.Core.Protocol;

namespace PerpPS.Cmdlets;

/// <summary>
/// A cmdlet that works on services named by -Name (wildcards, pipeline by value and by
/// property name) or given as objects by Get-PerpService (-InputObject, the default set).
/// </summary>
public abstract class PerpServiceCmdlet : PerpCmdlet
{
    protected const string NameSet = "Name";
    protected const string InputObjectSet = "InputObject";

    /// <summary>Service names; wildcards are honoured.</summary>
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = NameSet, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    [Alias("ServiceName")]
    [ArgumentCompleter(typeof(ServiceNameCompleter))]
    public string[] Name { get; set; } = Array.Empty<string>();

    /// <summary>Services from Get-PerpService.</summary>
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = InputObjectSet, ValueFromPipeline = true)]
    [ValidateNotNull]
    public PerpService[] InputObject { get; set; } = Array.Empty<PerpService>();

    /// <summary>The perp base (default: $env:PERP_BASE, else /etc/perp).</summary>
    [Parameter(ParameterSetName = NameSet, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string? Base { get; set; }

    /// <summary>Whether this cmdlet needs perpd's status to act (all but the disk-only ones).</summary>
    protected virtual bool QueriesDaemon => true;

    protected override void ProcessRecord()
    {
        foreach (var service in Targets())
        {
            if (StopToken.IsCancellationRequested) throw new PipelineStoppedException();
            ProcessService(service);
        }
    }

    /// <summary>The services of this record, freshly read.</summary>
    private IEnumerable<PerpService> Targets()
    {
        if (ParameterSetName == InputObjectSet)
        {
            foreach (var given in InputObject)
            {
                // An object names one service literally: no wildcard expansion of its name.
                string baseDirectory = ResolveBase(given.Base);
                if (FirstTime(baseDirectory, given.Name) && ReadService(baseDirectory, given.Name, QueriesDaemon) is { } s)
                {
                    Given = given;
                    yield return s;
                    Given = null;
                }
            }
            yield break;
        }
        string b = ResolveBase(Base);
        if (QueriesDaemon) Connection(b);
        foreach (string name in ExpandNames(b, Name))
            if (ReadService(b, name, QueriesDaemon) is { } s) yield return s;
    }

    /// <summary>
    /// The object given on the pipeline for the service being processed (null for -Name): what
    /// the caller saw, e.g. the pid Wait-PerpService -NewProcess is to wait past.
    /// </summary>
    protected PerpService? Given { get; private set; }

    /// <summary>Acts on one service.</summary>
    protected abstract void ProcessService(PerpService service);

    /// <summary>
    /// Sends a perpctl command for a service; false (with an error written) when perpd refused.
    /// </summary>
    internal bool Send(PerpService service, byte command, CommandFlags flags = CommandFlags.None)
    {
        int errno = FileStatus.TryStat(service.Path, out var stat);
        if (errno != 0)
        {
            ServiceMissing(service.Base, service.Name, new PosixException(errno, $"service directory not found: {service.Path}"));
            return false;
        }
        Reply reply;
        try
        {
            reply = Connection(service.Base).Command(stat.Id, command, flags);
        }
        catch (ControlException e)
        {
            WriteServiceError(e, ErrorIds.ConnectionError, ErrorCategory.ConnectionError, service);
            return false;
        }
        if (reply.IsSuccess) return true;
        if (reply.Kind != ReplyKind.Error)
        {
            WriteServiceError(new InvalidDataException($"unknown packet in reply for {service.Name}"),
                ErrorIds.ProtocolError, ErrorCategory.ProtocolError, service);
            return false;
        }
        var cause = new PosixException(reply.Errno, $"perpd refused '{(char)command}' for {service.Name}");
        switch (reply.Errno)
        {
            case Errno.ENOENT:
                WriteNotActive(service, cause);
                break;
            case Errno.EBUSY:
                WriteServiceError(new InvalidOperationException($"Perp service '{service.Name}' is being deactivated.", cause),
                    ErrorIds.ServiceBusy, ErrorCategory.ResourceBusy, service);
                break;
            default:
                WriteServiceError(cause, ErrorIds.CommandFailed, ErrorCategory.InvalidOperation, service);
                break;
        }
        return false;
    }

    /// <summary>PerpServiceNotActive: perpd does not supervise the service.</summary>
    internal void WriteNotActive(PerpService service, Exception? cause = null) =>
        WriteServiceError(new InvalidOperationException(
            service.Enabled
                ? $"Perp service '{service.Name}' is enabled but perpd has not activated it yet."
                : $"Perp service '{service.Name}' is not enabled; use Enable-PerpService first.", cause),
            ErrorIds.ServiceNotActive, ErrorCategory.InvalidOperation, service);

    /// <summary>Errors out (and returns true) when perpd does not supervise the service.</summary>
    internal bool RefuseUnsupervised(PerpService service)
    {
        switch (service.Status)
        {
            case PerpServiceStatus.Inactive or PerpServiceStatus.Activating when service.Record == null:
                WriteNotActive(service);
                return true;
            case PerpServiceStatus.Deactivating or PerpServiceStatus.Reactivating:
                WriteServiceError(new InvalidOperationException($"Perp service '{service.Name}' is being deactivated."),
                    ErrorIds.ServiceBusy, ErrorCategory.ResourceBusy, service);
                return true;
            default:
                return false;
        }
    }
}
