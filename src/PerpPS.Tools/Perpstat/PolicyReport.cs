using PerpPS.Core.Policy;
using PerpPS.Core.Protocol;
using PerpPS.Tools.Io;

namespace PerpPS.Tools.Perpstat;

/// <summary>
/// The service-policy line perpstat adds after the history lines (docs/service-policy.md),
/// only when there is something beyond a plain running service to say:
/// <code>
///   main policy: starting, not ready yet
///   main policy: ready, healthy, backoff 8 seconds
///   main policy: failed (gave up; perpctl u starts it again)
///   main policy: waiting for a dependency: store
///   main policy: waiting for a dependency: dependency cycle: a -> b -> a
/// </code>
/// A plain service that is up and ready (or down) gets no line, so the output of services
/// without policy files is the history view unchanged.
/// </summary>
internal static class PolicyReport
{
    public static IEnumerable<Line> Format(ExtendedStatus status, DependencyWaitReason? wait = null)
    {
        var e = status.Main;
        if ((e.Present & ExtensionFields.Policy) == 0) yield break;
        var m = status.Status.Main;
        bool running = m.Pid != 0 && (m.Flags & SubserviceFlags.IsReset) == 0;
        var f = e.Policy;
        var parts = new List<string>();
        if ((f & PolicyFlags.Failed) != 0) parts.Add("failed (gave up; perpctl u starts it again)");
        if ((f & PolicyFlags.WaitingForDependency) != 0) parts.Add(wait != null ? "waiting for a dependency: " + wait : "waiting for a dependency");
        if (running) parts.Add((f & PolicyFlags.Ready) != 0 ? "ready" : "starting, not ready yet");
        if ((f & PolicyFlags.Healthy) != 0) parts.Add("healthy");
        if ((f & PolicyFlags.Unhealthy) != 0) parts.Add($"unhealthy ({e.HealthFailures} failed check{(e.HealthFailures == 1 ? "" : "s")})");
        if (e.BackoffMilliseconds > 1000) parts.Add($"backoff {e.BackoffMilliseconds / 1000} seconds");
        if (parts.Count == 0 || (parts.Count == 1 && parts[0] == "ready")) yield break;
        yield return new Line().S("  main policy: ").S(string.Join(", ", parts));
    }

    /// <summary>"healthy", "unhealthy" or "unknown".</summary>
    public static string HealthOf(PolicyFlags f) =>
        (f & PolicyFlags.Healthy) != 0 ? "healthy" : (f & PolicyFlags.Unhealthy) != 0 ? "unhealthy" : "unknown";
}
