namespace PerpPS.Cmdlets.Engine;

/// <summary>Where the module's own files are: module/bin holds the assemblies and, from build.sh, perpd and tinylog.</summary>
internal static class ModuleFiles
{
    public static string BinDirectory { get; } = Path.GetDirectoryName(typeof(ModuleFiles).Assembly.Location) ?? ".";

    /// <summary>A program bundled next to the module, else found on PATH; null when neither has it.</summary>
    public static string? FindProgram(string name)
    {
        string bundled = Path.Combine(BinDirectory, name);
        if (File.Exists(bundled)) return bundled;
        foreach (string dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            string candidate = Path.Combine(dir, name);
            if (File.Exists(candidate)) return candidate;
        }
        return null;
    }
}
