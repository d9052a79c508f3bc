namespace PerpPS.Cmdlets;

/// <summary>
/// The service policy beyond perp (docs/service-policy.md): readiness and health from perpd's
/// extended status, the dependency names from the service directories (the names Windows'
/// Get-Service uses). Ready, Health and HealthFailures are $null against a perpd that does
/// not maintain the policy figures (perp 2.07).
/// </summary>
public sealed partial class PerpService
{
    /// <summary>Main runs and is ready: it wrote its notification-fd line, passed its first check, or has run half a second (neither file); null when not available.</summary>
    public bool? Ready { get; set; }
    /// <summary>The result of the last health check (file check): Healthy, Unhealthy, or Unknown (no check, or none ran yet); null when not available.</summary>
    public PerpServiceHealth? Health { get; set; }
    /// <summary>Consecutive failed health checks; null when not available.</summary>
    public int? HealthFailures { get; set; }
    /// <summary>The services this one depends on: the names in its dependencies file, in order (empty when it has none); read when first asked for.</summary>
    public string[] RequiredServices
    {
        get => _requiredServices ??= Dependencies?.RequiredOf(Name) ?? [];
        set => _requiredServices = value;
    }
    /// <summary>The services of the base whose dependencies file names this one; read when first asked for (every dependencies file of the base, once for all the objects of one command).</summary>
    public string[] DependentServices
    {
        get => _dependentServices ??= Dependencies?.DependantsOf(Name) ?? [];
        set => _dependentServices = value;
    }
    /// <summary>While the Status is WaitingForDependency: the dependency its start waits for (in a cycle: the next in the cycle); else null.</summary>
    public string? WaitingFor { get; set; }
    /// <summary>While the Status is WaitingForDependency: why, e.g. "store", "store (not an active service)", "dependency cycle: a -> b -> a"; else null.</summary>
    public string? WaitReason { get; set; }

    private string[]? _requiredServices;
    private string[]? _dependentServices;

    /// <summary>Where <see cref="RequiredServices"/> and <see cref="DependentServices"/> are read from on first access (null: they are as set).</summary>
    internal Engine.DependencyIndex? Dependencies { get; set; }
}

/// <summary>What the last health check said (file check). The long base type makes ConvertTo-Json write the name.</summary>
public enum PerpServiceHealth : long
{
    /// <summary>No check, or none has run since the service became ready.</summary>
    Unknown = 0,
    /// <summary>The last check exited 0.</summary>
    Healthy = 1,
    /// <summary>The last check failed (a non-zero exit or its check-timeout).</summary>
    Unhealthy = 2,
}
