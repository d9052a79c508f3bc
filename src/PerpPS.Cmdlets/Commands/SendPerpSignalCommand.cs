using System.Management.Automation;
using PerpPS.Core.Protocol;

namespace PerpPS.Cmdlets;

/// <summary>
/// Send-PerpSignal: has perpd deliver one of its signals to main (or -Log the logger), to the
/// process or with -ProcessGroup its whole group. perpd drops all but CONT and KILL while
/// the target runs its reset; the cmdlet warns about that, and errors when nothing runs.
/// </summary>
[Cmdlet(VerbsCommunications.Send, "PerpSignal", DefaultParameterSetName = InputObjectSet, SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(PerpService))]
public sealed class SendPerpSignalCommand : PerpServiceCmdlet
{
    /// <summary>The signal, without SIG: ALRM CONT HUP INT KILL QUIT TERM WINCH USR1 USR2.</summary>
    [Parameter(Mandatory = true, Position = 1)]
    public PerpSignal Signal { get; set; }

    /// <summary>Signal the logger instead of main.</summary>
    [Parameter]
    public SwitchParameter Log { get; set; }

    /// <summary>Signal the whole process group (kill(-pid)).</summary>
    [Parameter]
    public SwitchParameter ProcessGroup { get; set; }

    /// <summary>Emit the service object afterwards.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void ProcessService(PerpService service)
    {
        string who = Log ? $"{service.Name} (log)" : service.Name;
        if (!ShouldProcess(who, $"Send SIG{Signal}")) return;
        if (service.Record is not { } record)
        {
            WriteServiceError(new InvalidOperationException($"Perp service '{service.Name}' is not supervised by perpd."),
                ErrorIds.ServiceNotActive, ErrorCategory.InvalidOperation, service);
            return;
        }
        var sub = Log ? record.Log : record.Main;
        if (sub.Pid == 0 || (Log && !record.HasLog))
        {
            WriteServiceError(new InvalidOperationException($"Perp service '{who}' has no running process to signal."),
                ErrorIds.ServiceNotRunning, ErrorCategory.InvalidOperation, service);
            return;
        }
        if (sub.IsResetting && Signal is not (PerpSignal.CONT or PerpSignal.KILL))
            WriteWarning($"Perp service '{who}' is running its reset: perpd drops SIG{Signal}.");
        var flags = (Log ? CommandFlags.Log : CommandFlags.None) | (ProcessGroup ? CommandFlags.KillProcessGroup : CommandFlags.None);
        if (!Send(service, (byte)Signal, flags)) return;
        if (PassThru) WriteObject(Refresh(service) ?? service);
    }
}
