namespace PerpPS.Core.Protocol;

/// <summary>
/// Readiness/health/backoff state of a sub-service: bytes 2–3 of a <see cref="SubserviceExtension"/>
/// block. Reserved for the service policy (readiness, dependencies, health checks, backoff,
/// give-up); all zero, and <see cref="ExtensionFields.Policy"/> clear, until perpd sets them.
/// </summary>
[Flags]
public enum PolicyFlags : ushort
{
    None = 0,
    /// <summary>The service said it is ready (readiness notification).</summary>
    Ready = 0x0001,
    /// <summary>The last health check passed.</summary>
    Healthy = 0x0002,
    /// <summary>The last health check failed.</summary>
    Unhealthy = 0x0004,
    /// <summary>The next start is held back by a backoff delay.</summary>
    Backoff = 0x0008,
    /// <summary>perpd gave up restarting it (too many failures).</summary>
    Failed = 0x0010,
    /// <summary>The start waits for a dependency.</summary>
    WaitingForDependency = 0x0020,
    /// <summary>
    /// The process is the governor's sleeper: spawned, but sleeping out the one-second
    /// hold-back before its exec (as perp's), so the program has not run yet.
    /// </summary>
    Held = 0x0040,
}

/// <summary>
/// Which optional figures of a <see cref="SubserviceExtension"/> block perpd filled in
/// (bytes 60–63): a figure whose bit is clear is "not available", not zero.
/// </summary>
[Flags]
public enum ExtensionFields : uint
{
    None = 0,
    /// <summary><see cref="SubserviceExtension.Policy"/>, backoff and health failures are maintained.</summary>
    Policy = 0x1,
    /// <summary><see cref="SubserviceExtension.ProcessCount"/> and <see cref="SubserviceExtension.CpuMicroseconds"/> come from a cgroup.</summary>
    Cgroup = 0x2,
}
