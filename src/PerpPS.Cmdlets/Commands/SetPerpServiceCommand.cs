using System.Management.Automation;
using PerpPS.Core.Protocol;

namespace PerpPS.Cmdlets;

/// <summary>
/// Set-PerpService: -Once changes main's run-once flag in perpd (perpctl o / u; o on a
/// stopped service starts it for one run, which is perp's meaning of o); -StartupType
/// writes the flag files perpd reads at the next activation (flag.down, flag.once).
/// </summary>
[Cmdlet(VerbsCommon.Set, "PerpService", DefaultParameterSetName = InputObjectSet, SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(PerpService))]
public sealed partial class SetPerpServiceCommand : PerpServiceActionCmdlet
{
    /// <summary>
    /// -Once: main is not restarted after its current run (a stopped service is started once,
    /// perp's o). -Once:$false: main is restarted again after its runs (perp's u on a running
    /// service). A switch, so `Set-PerpService web -Once` reads as it says.
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
        if (once && !service.Once)
        {
            if (!Send(service, ControlCommand.Once)) return null;
            return Settle(service, s => s.Once, "flagged once");
        }
        if (!once && service.Once && service.Pid != 0)
        {
            if (!Send(service, ControlCommand.Up)) return null;
            return Settle(service, s => !s.Once, "not flagged once");
        }
        return service;
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
