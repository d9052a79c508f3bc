using System.Diagnostics;
using System.Text;

namespace PerpPS.Reliability.Tests;

/// <summary>
/// tinylog sent SIGTERM while it waits on a full disk (issue #11: on a full tmpfs, SIGTERM,
/// then space freed, one line was lost and one torn). The window: after each 0.555 s pause
/// tinylog gave up as soon as it saw the signal, without trying the write again, so space
/// freed during the pause was never used; and the line the disk had taken only part of was
/// left torn in <c>current</c>. Now it tries once more after the signal and, if it must give
/// up, cuts the torn part back out.
/// </summary>
public sealed class TinylogTermOnFullDiskTests : IDisposable
{
    private readonly TempBase _temp = new();

    public void Dispose() => _temp.Dispose();

    [SkippableFact]
    public void Sigterm_then_space_freed_stores_every_line()
    {
        using var fs = new Tmpfs(_temp.Scratch);
        var (tinylog, dir) = StartTinylog(fs);
        using var stop = tinylog;
        string filler = fs.Fill();
        string input = Lines(200);
        tinylog.Write(input);
        tinylog.WaitForLine("pausing on write() error");
        PerpPS.Core.Interop.Libc.Kill(tinylog.Pid, 15);
        File.Delete(filler);
        Assert.Equal(0, tinylog.WaitForExit());
        Assert.Equal("first\n" + input, File.ReadAllText(Path.Combine(dir, "current")));
    }

    [SkippableFact]
    public void Sigterm_on_a_disk_that_stays_full_leaves_no_torn_line()
    {
        using var fs = new Tmpfs(_temp.Scratch);
        var (tinylog, dir) = StartTinylog(fs);
        using var stop = tinylog;
        fs.Fill();
        string input = Lines(200);
        tinylog.Write(input);
        tinylog.WaitForLine("pausing on write() error");
        PerpPS.Core.Interop.Libc.Kill(tinylog.Pid, 15);
        Assert.Equal(111, tinylog.WaitForExit());
        string current = File.ReadAllText(Path.Combine(dir, "current"));
        Assert.EndsWith("\n", current);
        Assert.StartsWith(current, "first\n" + input); // whole lines, in order, nothing torn
        Assert.True(current.Length > 6, "the disk took part of the input: " + current.Length + " bytes");
    }

    /// <summary>200 numbered lines of 50 bytes: 4,090 bytes after "first\n" end mid-line.</summary>
    private static string Lines(int count)
    {
        var sb = new StringBuilder();
        for (int i = 1; i <= count; i++) sb.Append(i.ToString("D5")).Append(' ', 44).Append('\n');
        return sb.ToString();
    }

    private static (LoggerProcess, string) StartTinylog(Tmpfs fs)
    {
        string dir = Path.Combine(fs.Path, "log");
        var p = new LoggerProcess(RepoPaths.Program("tinylog"), "-s", "1000000", dir);
        p.Write("first\n");
        Wait.Until(() => File.Exists(Path.Combine(dir, "current")) && File.ReadAllText(Path.Combine(dir, "current")) == "first\n",
            "tinylog started");
        return (p, dir);
    }

    /// <summary>tinylog with its stdin a pipe the test writes to and its stderr collected.</summary>
    private sealed class LoggerProcess : IDisposable
    {
        private readonly Process _p;
        private readonly StringBuilder _err = new();

        public LoggerProcess(string program, params string[] args)
        {
            var psi = new ProcessStartInfo(program) { RedirectStandardInput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (string a in args) psi.ArgumentList.Add(a);
            _p = Process.Start(psi)!;
            _p.ErrorDataReceived += (_, e) => { if (e.Data != null) lock (_err) _err.AppendLine(e.Data); };
            _p.BeginErrorReadLine();
        }

        public int Pid => _p.Id;

        public void Write(string text)
        {
            byte[] b = Encoding.ASCII.GetBytes(text);
            _p.StandardInput.BaseStream.Write(b);
            _p.StandardInput.BaseStream.Flush();
        }

        public void WaitForLine(string text) => Wait.Until(() => { lock (_err) return _err.ToString().Contains(text); }, text);

        public int WaitForExit()
        {
            Assert.True(_p.WaitForExit(15000), "tinylog did not exit");
            return _p.ExitCode;
        }

        public void Dispose()
        {
            if (!_p.HasExited) { _p.Kill(); _p.WaitForExit(); }
            _p.Dispose();
        }
    }
}
