namespace PerpPS.Core.Client;

/// <summary>
/// Where each program looks for its base directory (spec §14.4). perp's clients chdir into
/// a relative base and then build paths from the same relative string, so only "." or an
/// absolute base works; PerpPS makes a relative base absolute first (a deliberate fix).
/// </summary>
public static class BaseResolver
{
    /// <summary>
    /// perpd, perphup, perpboot and the module: the explicit value, else a non-empty
    /// PERP_BASE, else /etc/perp.
    /// </summary>
    public static string ForDaemon(string? explicitBase) =>
        !string.IsNullOrEmpty(explicitBase) ? explicitBase
        : Environment.GetEnvironmentVariable("PERP_BASE") is { Length: > 0 } env ? env
        : PerpPaths.DefaultBase;

    /// <summary>perpctl and perpls: -b, else a non-empty PERP_BASE, else ".".</summary>
    public static string ForControlTool(string? explicitBase) =>
        explicitBase ?? (Environment.GetEnvironmentVariable("PERP_BASE") is { Length: > 0 } env ? env : ".");

    /// <summary>
    /// perpok and perpstat: -b, else PERP_BASE even when empty (perp then fails to chdir("")),
    /// else ".".
    /// </summary>
    public static string ForStatusTool(string? explicitBase) =>
        explicitBase ?? Environment.GetEnvironmentVariable("PERP_BASE") ?? ".";

    /// <summary>The absolute form of a base, so socket and lock paths work from anywhere.</summary>
    public static string Absolute(string baseDirectory) =>
        baseDirectory.Length == 0 ? baseDirectory : Path.GetFullPath(baseDirectory);
}
