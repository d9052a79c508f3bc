using System.Management.Automation;
using PerpPS.Cmdlets.Engine;
using PerpPS.Core.Posix;

namespace PerpPS.Cmdlets;

/// <summary>
/// Enable/Disable: perpctl A/X done by the module. Sets or clears the sticky bit, then sends
/// perpd a SIGHUP so it rescans, then waits until perpd activated (or fully deactivated)
/// the service. Works on the directory even when perpd is not running: the change then
/// takes effect when perpd starts, and the cmdlet says so with a warning, not an error.
/// </summary>
public abstract class ActivationCmdlet : PerpServiceActionCmdlet
{
    private bool _warned;

    protected override bool QueriesDaemon => false;

    /// <summary>True to enable, false to disable.</summary>
    protected abstract bool Activate { get; }

    protected override PerpService? Act(PerpService service)
    {
        try
        {
            StickyBit.Set(service.Path, Activate);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            WriteServiceError(e, ErrorIds.FileError, ErrorCategory.PermissionDenied, service);
            return null;
        }
        service.Enabled = Activate;
        int pid = DaemonControl.Pid(service.Base);
        if (pid == 0)
        {
            if (!_warned)
                WriteWarning($"perpd is not running on {service.Base}: the change takes effect when it starts.");
            _warned = true;
            return service;
        }
        try
        {
            DaemonControl.Signal(pid, SignalNames.SIGHUP);
        }
        catch (PosixException e)
        {
            WriteServiceError(e, ErrorIds.DaemonSignalFailed, ErrorCategory.PermissionDenied, service);
            return null;
        }
        return Activate
            ? Settle(service, s => s.Record != null && s.Status is not (PerpServiceStatus.Deactivating or PerpServiceStatus.Reactivating), "activated")
            : Settle(service, s => s.Record == null, "deactivated");
    }
}
