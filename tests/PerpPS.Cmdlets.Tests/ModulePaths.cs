using System.Reflection;

namespace PerpPS.Cmdlets.Tests;

/// <summary>The checkout (baked in at build time) and the module folder under test.</summary>
public static class ModulePaths
{
    public static string Root { get; } = FindRoot();

    public static string Manifest => Path.Combine(ModuleDirectory, "Perp.psd1");

    /// <summary>
    /// The module under test: $PERPPS_MODULE when set (a module folder built elsewhere, so a
    /// parallel build need not overwrite the checkout's module/bin), else the checkout's module/.
    /// </summary>
    public static string ModuleDirectory =>
        Environment.GetEnvironmentVariable("PERPPS_MODULE") is { Length: > 0 } m ? Path.GetFullPath(m) : Path.Combine(Root, "module");

    private static string FindRoot()
    {
        foreach (var a in typeof(ModulePaths).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>())
            if (a.Key == "RepoRoot" && a.Value is { Length: > 0 } v && File.Exists(Path.Combine(v, "PerpPS.sln")))
                return Path.GetFullPath(v);
        throw new InvalidOperationException("the checkout (RepoRoot) is not known to this test assembly");
    }
}
