namespace PerpPS.TestSupport;

/// <summary>Where the repository and the binaries under test are.</summary>
public static class RepoPaths
{
    /// <summary>The checkout's root: the first parent that holds PerpPS.sln.</summary>
    public static string Root { get; } = FindRoot();

    /// <summary>
    /// The directory holding perpd, the multi-call tools and their links. PERPPS_BIN wins
    /// (the test command points it at the Native AOT build); else out/bin of the checkout.
    /// </summary>
    public static string BinDirectory =>
        Environment.GetEnvironmentVariable("PERPPS_BIN") is { Length: > 0 } bin
            ? Path.GetFullPath(bin)
            : Path.Combine(Root, "out", "bin");

    /// <summary>The full path of a program in <see cref="BinDirectory"/>; fails clearly if absent.</summary>
    public static string Program(string name)
    {
        string path = Path.Combine(BinDirectory, name);
        if (!File.Exists(path))
            throw new FileNotFoundException(
                $"{path} is missing: run ./build.sh first (or set PERPPS_BIN to a directory holding {name})", path);
        return path;
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "PerpPS.sln"))) return dir.FullName;
        // Built outside the tree (PERPPS_ARTIFACTS): the root recorded at build time.
        foreach (var meta in typeof(RepoPaths).Assembly.GetCustomAttributes(typeof(System.Reflection.AssemblyMetadataAttribute), false))
            if (meta is System.Reflection.AssemblyMetadataAttribute { Key: "PerpPS.RepoRoot", Value: { Length: > 0 } root }
                && File.Exists(Path.Combine(root, "PerpPS.sln")))
                return Path.GetFullPath(root);
        throw new InvalidOperationException("PerpPS.sln not found above " + AppContext.BaseDirectory);
    }
}
