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
            ThrowTerminatingError(NotRunning(b));
            return;
        }
        if (!SignalDaemon(b, pid, SignalNames.SIGHUP, "Rescan")) return;
        if (PassThru) WriteObject(Describe(b));
    }
}
