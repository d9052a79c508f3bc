using System.Management.Automation;
using PerpPS.Cmdlets.Engine;
using PerpPS.Core.Posix;

namespace PerpPS.Cmdlets;

/// <summary>Invoke-PerpRescan: perphup: SIGHUP to perpd, which rescans the base for sticky directories.</summary>
[Cmdlet(VerbsLifecycle.Invoke, "PerpRescan", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
[OutputType(typeof(PerpDaemon))]
public sealed class InvokePerpRescanCommand : PerpDaemonCmdlet
{
    /// <summary>Emit the daemon object.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void ProcessRecord()
    {
        string b = ResolveBase(Base);
        int pid = DaemonControl.Pid(b);
        if (pid == 0)
        {
            ThrowTerminatingError(new ErrorRecord(
                new InvalidOperationException($"perpd is not running on {b}: no lock active on {PerpPS.Core.Client.PerpPaths.PidFile(b)}"),
                ErrorIds.DaemonNotRunning, ErrorCategory.ResourceUnavailable, b));
            return;
        }
        if (!ShouldProcess($"perpd (pid {pid}) on {b}", "Rescan")) return;
        try
        {
            DaemonControl.Signal(pid, SignalNames.SIGHUP);
        }
        catch (PosixException e)
        {
            WriteError(new ErrorRecord(e, ErrorIds.DaemonSignalFailed, ErrorCategory.PermissionDenied, b));
            return;
        }
        if (PassThru) WriteObject(Describe(b));
    }
}
