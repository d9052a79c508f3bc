using System.Diagnostics;
using System.Text;

namespace PerpPS.Runtools.Tests.Support;

/// <summary>
/// The programs under test (PERPPS_BIN or out/bin) and how tests run them: with the bin
/// directory first on PATH, so chains like "runenv f runuid x tinylog" find our programs.
/// </summary>
public static class Bin
{
    public static string Path(string name) => RepoPaths.Program(name);

    public static string SearchPath =>
        RepoPaths.BinDirectory + ":" + (Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin:/bin");

    public static void ApplyEnvironment(ProcessStartInfo psi, IDictionary<string, string?>? env)
    {
        psi.Environment["PATH"] = SearchPath;
        if (env == null) return;
        foreach (var (k, v) in env)
        {
            if (v == null) psi.Environment.Remove(k);
            else psi.Environment[k] = v;
        }
    }

    /// <summary>Runs to completion with text stdin.</summary>
    public static ToolResult Run(string program, IEnumerable<string> args, string? cwd = null,
        IDictionary<string, string?>? env = null, string? stdin = null) =>
        RunBytes(program, args, stdin == null ? null : Encoding.UTF8.GetBytes(stdin), cwd, env);

    public static ToolResult Run(string program, params string[] args) => Run(program, (IEnumerable<string>)args);

    /// <summary>Runs to completion feeding exact bytes on stdin.</summary>
    public static ToolResult RunBytes(string program, IEnumerable<string> args, byte[]? stdin, string? cwd = null,
        IDictionary<string, string?>? env = null)
    {
        using var p = Proc.Start(program, args, cwd, env);
        try
        {
            if (stdin != null) p.Write(stdin);
            p.CloseStdin();
        }
        catch (IOException)
        {
            // The program exited without reading all of its input: that is its business.
        }
        int code = p.WaitExit(TimeSpan.FromSeconds(30));
        return new ToolResult(code, p.Stdout, p.Stderr);
    }

    /// <summary>A shell command line, as a runtool's program.</summary>
    public static string[] Sh(string script) => new[] { "/bin/sh", "-c", script };
}
