namespace PerpPS.Cmdlets.Engine;

/// <summary>Where the module's own files are: module/bin holds the assemblies and, from build.sh, perpd and tinylog.</summary>
internal static class ModuleFiles
{
    public static string BinDirectory { get; } = Path.GetDirectoryName(typeof(ModuleFiles).Assembly.Location) ?? ".";

    /// <summary>A program bundled next to the module, else found on PATH; null when neither has it.</summary>
    public static string? FindProgram(string name)
    {
        string bundled = Path.Combine(BinDirectory, name);
        if (File.Exists(bundled))
        {
            MakeExecutable(bundled);
            return bundled;
        }
        foreach (string dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            string candidate = Path.Combine(dir, name);
            if (File.Exists(candidate)) return candidate;
        }
        return null;
    }

    /// <summary>
    /// A package install (Install-PSResource unzips the nupkg) loses the execute bits of the
    /// bundled programs: give them back, owner first, as far as the installer may.
    /// </summary>
    internal static void MakeExecutable(string path)
    {
        try
        {
            var mode = File.GetUnixFileMode(path);
            const UnixFileMode exec = UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;
            if ((mode & UnixFileMode.UserExecute) == 0) File.SetUnixFileMode(path, mode | exec);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Not ours to change: running it reports the permission error.
        }
    }
}
