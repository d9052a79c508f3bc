using System.Reflection;

namespace PerpPS.Cmdlets.Tests;

/// <summary>The checkout (baked in at build time) and the module folder in it.</summary>
public static class ModulePaths
{
    public static string Root { get; } = FindRoot();

    public static string Manifest => Path.Combine(Root, "module", "Perp.psd1");

    public static string ModuleDirectory => Path.Combine(Root, "module");

    private static string FindRoot()
    {
        foreach (var a in typeof(ModulePaths).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>())
            if (a.Key == "RepoRoot" && a.Value is { Length: > 0 } v && File.Exists(Path.Combine(v, "PerpPS.sln")))
                return Path.GetFullPath(v);
        throw new InvalidOperationException("the checkout (RepoRoot) is not known to this test assembly");
    }
}
