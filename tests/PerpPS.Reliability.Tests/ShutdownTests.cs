using System.Diagnostics;

namespace PerpPS.Reliability.Tests;

/// <summary>
/// A service that ignores SIGTERM does not keep perpd from stopping: after the stop timeout
/// (PerpPS's <c>-k secs</c>, default 10; perp 2.07 waited forever, spec edge case 18) its
/// process group gets SIGKILL and the shutdown completes.
/// </summary>
public sealed class ShutdownTests
{
    private const string Stubborn = "[ \"$1\" = start ] || exit 0\ntrap '' TERM\nexec sleep 100000\n";

    [Theory]
    [InlineData(2)]
    [InlineData(null)]
    public void Shutdown_with_a_TERM_ignoring_service_finishes_within_the_stop_timeout(int? stopTimeout)
    {
        using var tb = new TempBase();
        var stubborn = Perp.Id(tb.AddService("stubborn", Stubborn));
        var polite = Perp.Id(tb.AddService("polite", Scripts.Forever));
        string[] args = stopTimeout is { } k ? ["-k", k.ToString()] : [];
        using var daemon = DaemonProcess.Start(tb.Path, args);
        int stubbornPid = (int)Perp.WaitMainUp(tb.Path, stubborn);
        int politePid = (int)Perp.WaitMainUp(tb.Path, polite);
        // Signal dispositions survive exec: the sleep really ignores SIGTERM.
        Wait.Until(() => SignalIgnored(stubbornPid, 15), "the stubborn service to ignore SIGTERM");

        var sw = Stopwatch.StartNew();
        PerpPS.Core.Interop.Libc.Kill(daemon.Pid, 15);
        int limit = (stopTimeout ?? 10) + 10;
        int code = daemon.WaitForExit(TimeSpan.FromSeconds(limit));
        sw.Stop();

        Assert.Equal(0, code);
        Assert.True(sw.Elapsed.TotalSeconds >= (stopTimeout ?? 10) - 0.5,
            $"perpd stopped after {sw.Elapsed.TotalSeconds:F1}s: it did not wait for the stop timeout");
        Assert.False(ProcessKiller.IsAlive(stubbornPid), "the TERM-ignoring service survived perpd's shutdown");
        Assert.False(ProcessKiller.IsAlive(politePid));
        Assert.Contains(daemon.Lines, l => l.EndsWith("termination complete", StringComparison.Ordinal));
    }

    private static bool SignalIgnored(int pid, int signal)
    {
        foreach (string line in File.ReadLines($"/proc/{pid}/status"))
            if (line.StartsWith("SigIgn:", StringComparison.Ordinal))
                return (Convert.ToUInt64(line[7..].Trim(), 16) & (1UL << (signal - 1))) != 0;
        return false;
    }
}
