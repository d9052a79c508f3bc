using System.Diagnostics;

namespace PerpPS.TestSupport;

/// <summary>Runs one of the built programs (or any program) to completion.</summary>
public static class ToolRunner
{
    /// <summary>Runs <paramref name="program"/> from the bin directory (or a full path).</summary>
    public static ToolResult Run(string program, IEnumerable<string> args, string? workingDirectory = null,
        IDictionary<string, string?>? environment = null, string? stdin = null, TimeSpan? timeout = null)
    {
        string path = program.Contains('/') ? program : RepoPaths.Program(program);
        var psi = new ProcessStartInfo(path)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        foreach (string a in args) psi.ArgumentList.Add(a);
        if (environment != null)
            foreach (var (k, v) in environment)
            {
                if (v == null) psi.Environment.Remove(k);
                else psi.Environment[k] = v;
            }
        using var p = Process.Start(psi)!;
        var stdoutTask = p.StandardOutput.ReadToEndAsync();
        var stderrTask = p.StandardError.ReadToEndAsync();
        if (stdin != null) p.StandardInput.Write(stdin);
        p.StandardInput.Close();
        if (!p.WaitForExit((int)(timeout ?? TimeSpan.FromSeconds(30)).TotalMilliseconds))
        {
            ProcessKiller.Stop(p.Id, TimeSpan.Zero);
            throw new TimeoutException($"{program} {string.Join(' ', args)} did not finish");
        }
        p.WaitForExit();
        return new ToolResult(p.ExitCode, stdoutTask.Result, stderrTask.Result);
    }

    public static ToolResult Run(string program, params string[] args) => Run(program, (IEnumerable<string>)args);
}
