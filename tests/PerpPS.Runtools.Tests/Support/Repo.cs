using System.Runtime.CompilerServices;

namespace PerpPS.Runtools.Tests.Support;

/// <summary>
/// The checkout's root, found from this source file's compile-time path when the test
/// assembly is built outside the tree (PERPPS_ARTIFACTS), where walking up from the
/// assembly cannot find PerpPS.sln.
/// </summary>
public static class Repo
{
    public static string Root { get; } = Find();

    private static string Find([CallerFilePath] string source = "")
    {
        foreach (string start in new[] { AppContext.BaseDirectory, Path.GetDirectoryName(source) ?? "" })
            for (var dir = new DirectoryInfo(start); dir != null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, "PerpPS.sln"))) return dir.FullName;
        throw new InvalidOperationException("PerpPS.sln not found");
    }
}
