using System.Diagnostics;
using System.Text;

namespace PerpPS.Runtools.Tests.Support;

/// <summary>
/// A program under test that keeps running while the test talks to it: stdin held open,
/// stdout/stderr collected, signals sent by pid, stopped by pid on dispose.
/// </summary>
public sealed class Proc : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _stdout = new();
    private readonly StringBuilder _stderr = new();

    private Proc(Process process)
    {
        _process = process;
        _readers = new[] { Pump(_process.StandardOutput.BaseStream, _stdout), Pump(_process.StandardError.BaseStream, _stderr) };
    }

    private readonly Task[] _readers;

    /// <summary>Collects a stream's exact bytes (no line splitting: a missing final newline stays missing).</summary>
    private static Task Pump(Stream stream, StringBuilder into) => Task.Run(() =>
    {
        var decoder = Encoding.UTF8.GetDecoder();
        var bytes = new byte[4096];
        var chars = new char[8192];
        int n;
        while ((n = stream.Read(bytes, 0, bytes.Length)) > 0)
        {
            int c = decoder.GetChars(bytes, 0, n, chars, 0);
            lock (into) into.Append(chars, 0, c);
        }
    });

    public int Pid => _process.Id;
    public Stream Stdin => _process.StandardInput.BaseStream;
    public string Stdout { get { lock (_stdout) return _stdout.ToString(); } }
    public string Stderr { get { lock (_stderr) return _stderr.ToString(); } }
    public bool HasExited => _process.HasExited;

    public static Proc Start(string program, IEnumerable<string> args, string? cwd = null,
        IDictionary<string, string?>? env = null)
    {
        var psi = new ProcessStartInfo(program.Contains('/') ? program : Bin.Path(program))
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = cwd ?? Environment.CurrentDirectory,
        };
        foreach (string a in args) psi.ArgumentList.Add(a);
        Bin.ApplyEnvironment(psi, env);
        return new Proc(Process.Start(psi)!);
    }

    public void Write(string text) => Write(Encoding.UTF8.GetBytes(text));

    public void Write(byte[] bytes)
    {
        Stdin.Write(bytes);
        Stdin.Flush();
    }

    public void CloseStdin() => _process.StandardInput.Close();

    public void Signal(int signal) => PerpPS.Core.Interop.Libc.Kill(Pid, signal);

    /// <summary>Waits for the exit (generous bound) and returns the exit code.</summary>
    public int WaitExit(TimeSpan? timeout = null)
    {
        if (!_process.WaitForExit((int)(timeout ?? TimeSpan.FromSeconds(20)).TotalMilliseconds))
            throw new TimeoutException($"process {Pid} did not exit; stderr: {Stderr}");
        // Output written just before the exit is still in the pipes: read it all, unless a
        // detached grandchild keeps them open (then what has arrived is what we have).
        Task.WaitAll(_readers, TimeSpan.FromSeconds(5));
        return _process.ExitCode;
    }

    public void WaitForStderr(string text) =>
        Wait.Until(() => Stderr.Contains(text), $"stderr to contain '{text}' (has: {Stderr})");

    public void WaitForStdout(string text) =>
        Wait.Until(() => Stdout.Contains(text), $"stdout to contain '{text}' (has: {Stdout})");

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited) ProcessKiller.Stop(_process.Id, TimeSpan.FromSeconds(2));
        }
        catch (InvalidOperationException)
        {
        }
        _process.Dispose();
    }
}
