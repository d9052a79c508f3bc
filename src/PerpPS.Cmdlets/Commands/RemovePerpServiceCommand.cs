using System.Management.Automation;
using PerpPS.Cmdlets.Engine;
using PerpPS.Core.Posix;

namespace PerpPS.Cmdlets;

/// <summary>
/// Remove-PerpService: deactivates the service (sticky bit off, rescan), waits until perpd
/// has stopped main and log, run their resets and forgotten the service, then deletes the
/// directory. When perpd is not running the directory is deleted at once. A service that
/// does not stop in time is left in place (PerpServiceWaitTimeout).
/// </summary>
[Cmdlet(VerbsCommon.Remove, "PerpService", DefaultParameterSetName = InputObjectSet, SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
[OutputType(typeof(void))]
public sealed class RemovePerpServiceCommand : PerpServiceCmdlet
{
    /// <summary>Seconds to wait for perpd to let go of the service; 0 waits without limit.</summary>
    [Parameter]
    [ValidateRange(0, int.MaxValue)]
    public int Timeout { get; set; } = 60;

    protected override bool QueriesDaemon => false;

    protected override void ProcessService(PerpService service)
    {
        if (!ShouldProcess(service.Name, "Remove Perp service")) return;
        try
        {
            StickyBit.Set(service.Path, false);
            int pid = DaemonControl.Pid(service.Base);
            if (pid != 0)
            {
                DaemonControl.Signal(pid, SignalNames.SIGHUP);
                if (WaitFor(service, s => s.Record == null, "deactivated", Timeout) == null) return;
            }
            DeleteTree(service.Path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            WriteServiceError(e, ErrorIds.FileError, ErrorCategory.WriteError, service);
        }
    }

    /// <summary>Deletes a directory; a symlink in the base is removed, not followed.</summary>
    private static void DeleteTree(string path)
    {
        var info = new DirectoryInfo(path);
        if (info.LinkTarget != null)
            info.Delete();
        else
            info.Delete(recursive: true);
    }
}
