using System.Management.Automation;

namespace PerpPS.Cmdlets;

/// <summary>
/// The service policy parameters (docs/service-policy.md): New-PerpService writes the plain files perpd
/// reads at each start. Checked by perpd's rule before anything is written (PolicyFiles).
/// </summary>
public sealed partial class NewPerpServiceCommand
{
    /// <summary>Services this one needs up and ready before it starts (file dependencies, one name a line).</summary>
    [Parameter]
    public string[]? DependsOn { get; set; }

    /// <summary>The descriptor (3-1023) on which the start reports readiness with a newline (file notification-fd).</summary>
    [Parameter]
    public int? ReadyFd { get; set; }

    /// <summary>The health check (file check): script text (a #!/bin/sh line is added when it has none) or the path of a file to copy.</summary>
    [Parameter]
    public string? HealthCheck { get; set; }

    /// <summary>Seconds between health checks, 1-86400 (file check-interval; default 10).</summary>
    [Parameter]
    public int? CheckInterval { get; set; }

    /// <summary>Seconds from the stop signal to SIGKILL of the process group, 0.001-86400 (file timeout-kill, in ms).</summary>
    [Parameter]
    public double? StopTimeout { get; set; }

    /// <summary>The signal a stop sends the process group (file down-signal): a name such as TERM, INT, QUIT, HUP or a number; not KILL or STOP.</summary>
    [Parameter]
    public string? StopSignal { get; set; }

    /// <summary>Cap in seconds (1-86400) of the doubling delay between restarts of a crash loop (file restart-backoff).</summary>
    [Parameter]
    public int? RestartBackoff { get; set; }

    /// <summary>"N T" (or N, T): N failed starts within T seconds put the service in Failed (file give-up).</summary>
    [Parameter]
    public string[]? GiveUp { get; set; }
}
