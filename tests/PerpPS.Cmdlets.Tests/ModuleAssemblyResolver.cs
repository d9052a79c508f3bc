using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.Loader;

namespace PerpPS.Cmdlets.Tests;

/// <summary>
/// Loads PerpPS.Cmdlets from module/bin (it is not copied next to the tests), so the typed
/// objects the tests inspect come from the same assembly Import-Module loads.
/// </summary>
internal static class ModuleAssemblyResolver
{
    [ModuleInitializer]
    internal static void Register() =>
        AssemblyLoadContext.Default.Resolving += (context, name) =>
        {
            if (name.Name != "PerpPS.Cmdlets") return null;
            string path = Path.Combine(ModulePaths.ModuleDirectory, "bin", "PerpPS.Cmdlets.dll");
            return File.Exists(path) ? context.LoadFromAssemblyPath(path) : null;
        };
}
