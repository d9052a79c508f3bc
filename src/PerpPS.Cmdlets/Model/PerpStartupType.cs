namespace PerpPS.Cmdlets;

/// <summary>
/// What perpd does with main when it activates the service: the flag files read at
/// activation (spec §1.3). Changing it takes effect at the next activation.
/// </summary>
public enum PerpStartupType
{
    /// <summary>No flag file: main is started and restarted whenever it exits.</summary>
    Automatic,
    /// <summary>flag.down: main is not started at activation.</summary>
    Manual,
    /// <summary>flag.once: main is started once and not restarted.</summary>
    Once,
}
