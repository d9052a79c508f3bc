namespace PerpPS.Cmdlets;

/// <summary>
/// What a service is doing, in perp's terms (spec §7.3): derived from the sticky bit, the
/// main sub-service's pid, flags and age, and the service's CULL/CYCLE flags.
/// The long base type makes ConvertTo-Json write the name ("Up"), not a number.
/// </summary>
public enum PerpServiceStatus : long
{
    /// <summary>The directory is not sticky and perpd does not supervise it.</summary>
    Inactive,
    /// <summary>The directory is sticky but perpd has not scanned it yet (perpls: ENOTDIR).</summary>
    Activating,
    /// <summary>Main is not running and wants down (perpls <c>...</c>).</summary>
    Down,
    /// <summary>
    /// Main wants up but is not running, or has run for half a second or less (perpls
    /// <c>!..</c>): starting, or restarting after an exit (a flapping service alternates
    /// between Starting and Up).
    /// </summary>
    Starting,
    /// <summary>Main runs its start target and is older than half a second.</summary>
    Up,
    /// <summary>Main was stopped with SIGSTOP by a pause request (perpls <c>p</c>).</summary>
    Paused,
    /// <summary>Main runs its reset target (perpls <c>r</c>).</summary>
    Resetting,
    /// <summary>Main is running but wants down: a stop is in progress (perpls <c>!++</c>).</summary>
    Stopping,
    /// <summary>perpd is deactivating the service (perpls <c>!</c>).</summary>
    Deactivating,
    /// <summary>perpd is deactivating the service and will activate it afresh (perpls <c>R</c>).</summary>
    Reactivating,
    /// <summary>
    /// perpd gave up on main (file give-up: too many failed starts): it stays down until an
    /// explicit start (Start-PerpService, perpctl u).
    /// </summary>
    Failed,
    /// <summary>
    /// Main wants up but its start waits for a dependency (file dependencies) to be up and
    /// ready; WaitingFor names it, WaitReason says why (not ready, not active, a cycle).
    /// </summary>
    WaitingForDependency,
}
