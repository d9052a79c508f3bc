using PerpPS.Core.Interop;

namespace PerpPS.Reliability.Tests;

/// <summary>
/// perpd holds the log pipe for the service's whole life (spec §3.11), so a logger that
/// is killed loses nothing: the next one reads what was written meanwhile. tinylog
/// (PerpPS's own) is stopped with SIGTERM again and again while main writes numbered
/// lines; every number must land in its files exactly once.
/// </summary>
public sealed class LoggerKillTests(ITestOutputHelper output)
{
    private const int LinesToWrite = 20000;

    [Fact]
    public void Logger_killed_repeatedly_loses_and_doubles_no_line()
    {
        string tinylog = RepoPaths.Program("tinylog");
        using var run = new NumberedLogService(LinesToWrite,
            scratch => $"[ \"$1\" = start ] || exit 0\nexec {tinylog} -k 1000 -s 1000000 {Path.Combine(scratch, "log")}\n");
        string logDir = Path.Combine(run.Base.Scratch, "log");

        int kills = 0;
        uint lastKilled = 0;
        while (run.Writing)
        {
            var logger = run.Status().Log;
            // tinylog itself, not the child that sleeps the governor's hold-back before its exec:
            // killing every sleeper would hold the logger back for good (as under perp).
            if (logger.Pid != 0 && logger.Pid != lastKilled && Perp.RunsStart(logger))
            {
                Libc.Kill((int)logger.Pid, 15);
                lastKilled = logger.Pid;
                kills++;
            }
            Thread.Sleep(100);
            Assert.False(run.Daemon.HasExited);
        }
        Wait.Until(() => CountLines(logDir) >= LinesToWrite, $"all {LinesToWrite} lines in {logDir}", TimeSpan.FromSeconds(30));

        var count = NumberedLogService.Count(LogFiles(logDir), LinesToWrite);
        output.WriteLine($"logger killed {kills} times; {count}");
        Assert.True(kills >= 5, $"the logger was only killed {kills} times");
        Assert.True(count.Lost.Count == 0 && count.Doubled.Count == 0 && count.Other == 0, count.ToString());
    }

    /// <summary>tinylog's current file and its archives (names starting with '_').</summary>
    private static IEnumerable<string> LogFiles(string dir) =>
        Directory.Exists(dir)
            ? Directory.EnumerateFiles(dir).Where(f => Path.GetFileName(f) is "current" || Path.GetFileName(f).StartsWith('_'))
            : [];

    private static long CountLines(string dir)
    {
        long n = 0;
        foreach (string f in LogFiles(dir))
            try { foreach (byte b in File.ReadAllBytes(f)) if (b == '\n') n++; }
            catch (IOException) { }
        return n;
    }
}
