using PerpPS.Core.Protocol;

namespace PerpPS.Cmdlets.Engine;

/// <summary>
/// perpd's policy figures of main (readiness, health, give-up, waiting for a dependency) on a
/// PerpService, and what they make of its Status: a running main that is not ready yet is
/// still Starting (so every wait for Up waits for readiness), a main perpd gave up on is
/// Failed, a wanted start held back for a dependency is WaitingForDependency. Without the
/// policy figures (perp 2.07's perpd) nothing changes and the fields stay null.
/// </summary>
internal static class PolicyFields
{
    public static void Apply(PerpService service, ExtendedStatus status)
    {
        var m = status.Main;
        if (!status.HasExtension || (m.Present & ExtensionFields.Policy) == 0) return;
        var f = m.Policy;
        var main = status.Status.Main;
        bool running = main.Pid != 0 && !main.IsResetting;
        service.Ready = running && (f & PolicyFlags.Ready) != 0;
        service.Health = (f & PolicyFlags.Healthy) != 0 ? PerpServiceHealth.Healthy
            : (f & PolicyFlags.Unhealthy) != 0 ? PerpServiceHealth.Unhealthy
            : PerpServiceHealth.Unknown;
        service.HealthFailures = (int)Math.Min(m.HealthFailures, int.MaxValue);
        switch (service.Status)
        {
            case PerpServiceStatus.Up when service.Ready != true:
                service.Status = PerpServiceStatus.Starting;
                break;
            case PerpServiceStatus.Down when (f & PolicyFlags.Failed) != 0:
                service.Status = PerpServiceStatus.Failed;
                break;
            case PerpServiceStatus.Starting when main.Pid == 0 && (f & PolicyFlags.WaitingForDependency) != 0:
                service.Status = PerpServiceStatus.WaitingForDependency;
                break;
        }
    }
}
