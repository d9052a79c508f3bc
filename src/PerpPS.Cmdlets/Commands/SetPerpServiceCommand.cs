using System.Management.Automation;
using PerpPS.Core.Client;
using PerpPS.Core.Posix;
using PerpPS.Core.Protocol;

namespace PerpPS.Cmdlets;

/// <summary>
/// Set-PerpService: -Once changes main's run-once flag in perpd and nothing else (the
/// extension's O packet, so a stopped service is not started; against perp 2.07's perpd,
/// o / u on a running service); -StartupType writes the flag files perpd reads at the next
/// activation (flag.down, flag.once).
/// </summary>
[Cmdlet(VerbsCommon.Set, "PerpService", DefaultParameterSetName = InputObjectSet, SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(PerpService))]
public sealed partial class SetPerpServiceCommand : PerpServiceActionCmdlet
{
    /// <summary>
    /// -Once: main is not restarted after its current run, or runs once at its next start
    /// when stopped. -Once:$false: main is restarted again after its runs (a stopped service
    /// stays stopped; Start-PerpService then starts it for good). A switch, so
    /// `Set-PerpService web -Once` reads as it says.
    /// </summary>
    [Parameter]
    public SwitchParameter Once { get; set; }

    /// <summary>The flag file for the next activation: Automatic, Manual (flag.down) or Once (flag.once).</summary>
    [Parameter]
    public PerpStartupType? StartupType { get; set; }

    protected override string Action => "Set";

    protected override PerpService? Act(PerpService service)
    {
        if (HasPolicyParameters && (PlanPolicy(service.Name) is not { } policy || !ApplyPolicy(service.Base, service.Name, policy))) return null;
        if (StartupType is { } type && !WriteStartupType(service, type)) return null;
        // Only a -Once that was given (-Once or -Once:$false) changes the flag.
        if (!MyInvocation.BoundParameters.ContainsKey(nameof(Once))) return service;
        bool once = Once.IsPresent;
        if (RefuseUnsupervised(service)) return null;
        if (once == service.Once) return service;
        switch (SetOnceFlag(service, once))
        {
            case true:
                return Settle(service, s => s.Once == once, once ? "flagged once" : "not flagged once");
            case false:
                return null;
        }
        // perp 2.07's perpd: only o and u change the flag, and both start a stopped service.
        if (service.Pid == 0)
        {
            WriteServiceError(new NotSupportedException(
                $"perpd on {service.Base} cannot change the once flag of the stopped service '{service.Name}' without starting it (it lacks PerpPS's protocol extension); use Start-PerpService."),
                ErrorIds.OnceNotSupported, ErrorCategory.NotImplemented, service);
            return null;
        }
        if (!Send(service, once ? ControlCommand.Once : ControlCommand.Up)) return null;
        return Settle(service, s => s.Once == once, once ? "flagged once" : "not flagged once");
    }

    /// <summary>
    /// Changes only the flag (the extension's O packet), running or not. True when perpd did
    /// it, false when an error was written, null when perpd does not speak the extension.
    /// </summary>
    private bool? SetOnceFlag(PerpService service, bool once)
    {
        int errno = FileStatus.TryStat(service.Path, out var stat);
        if (errno != 0)
        {
            ServiceMissing(service.Base, service.Name, new PosixException(errno, $"service directory not found: {service.Path}"));
            return false;
        }
        Reply? reply;
        try
        {
            reply = Connection(service.Base).SetOnce(stat.Id, once);
        }
        catch (ControlException e)
        {
            WriteServiceError(e, ErrorIds.ConnectionError, ErrorCategory.ConnectionError, service);
            return false;
        }
        if (reply is not { } r) return null;
        if (r.IsSuccess) return true;
        if (r.Kind == ReplyKind.Error && r.Errno == Errno.ENOENT) WriteNotActive(service);
        else if (r.Kind == ReplyKind.Error && r.Errno == Errno.EBUSY)
            WriteServiceError(new InvalidOperationException($"Perp service '{service.Name}' is being deactivated."),
                ErrorIds.ServiceBusy, ErrorCategory.ResourceBusy, service);
        else
            WriteServiceError(new PosixException(r.Errno, $"perpd refused to change the once flag of {service.Name}"),
                ErrorIds.CommandFailed, ErrorCategory.InvalidOperation, service);
        return false;
    }

    private bool WriteStartupType(PerpService service, PerpStartupType type)
    {
        string down = Path.Combine(service.Path, "flag.down"), once = Path.Combine(service.Path, "flag.once");
        try
        {
            if (type != PerpStartupType.Manual) File.Delete(down);
            if (type != PerpStartupType.Once) File.Delete(once);
            if (type == PerpStartupType.Manual && !File.Exists(down)) File.WriteAllBytes(down, Array.Empty<byte>());
            if (type == PerpStartupType.Once && !File.Exists(once)) File.WriteAllBytes(once, Array.Empty<byte>());
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            WriteServiceError(e, ErrorIds.FileError, ErrorCategory.WriteError, service);
            return false;
        }
    }
}
