namespace PerpPS.Tools.Tests;

/// <summary>Runs a tool from the bin directory with PERP_BASE cleared unless given.</summary>
internal static class Tools
{
    public static ToolResult Run(string program, string cwd, params string[] args) =>
        RunWith(program, cwd, null, args);

    public static ToolResult RunWith(string program, string cwd, IDictionary<string, string?>? env, params string[] args)
    {
        var environment = new Dictionary<string, string?> { ["PERP_BASE"] = null, ["PERPLS_COLORS"] = null };
        if (env != null)
            foreach (var (k, v) in env) environment[k] = v;
        return ToolRunner.Run(program, args, cwd, environment);
    }

    /// <summary>
    /// Runs a tool through /bin/sh so that arguments may hold bytes that are not UTF-8
    /// (written as printf escapes in <paramref name="shellArgs"/>); stdout and stderr are
    /// captured as raw bytes into files.
    /// </summary>
    public static (int ExitCode, byte[] Stdout, byte[] Stderr) RunRaw(string program, string cwd, string shellArgs)
    {
        string outFile = Path.Combine(Path.GetTempPath(), "perpps-raw-" + Guid.NewGuid().ToString("N"));
        string errFile = outFile + ".err";
        try
        {
            var r = ToolRunner.Run("/bin/sh", ["-c", $"exec \"$0\" {shellArgs} >'{outFile}' 2>'{errFile}'", RepoPaths.Program(program)],
                cwd, new Dictionary<string, string?> { ["PERP_BASE"] = null });
            return (r.ExitCode, File.ReadAllBytes(outFile), File.ReadAllBytes(errFile));
        }
        finally
        {
            File.Delete(outFile);
            File.Delete(errFile);
        }
    }
}
