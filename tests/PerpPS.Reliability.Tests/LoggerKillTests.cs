using System.Globalization;
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
        using var tb = new TempBase();
        string logDir = Path.Combine(tb.Scratch, "log");
        string done = Path.Combine(tb.Scratch, "done");
        string tinylog = RepoPaths.Program("tinylog");
        // About ten seconds of writing: a pause of 50 ms every 100 lines.
        string main = $$"""
            [ "$1" = start ] || exit 0
            i=0
            while [ $i -lt {{LinesToWrite}} ]; do
              i=$((i+1))
              echo $i
              case $i in *00) sleep 0.05 ;; esac
            done
            touch {{done}}
            exec sleep 100000
            """;
        string log = $"[ \"$1\" = start ] || exit 0\nexec {tinylog} -k 1000 -s 1000000 {logDir}\n";
        var id = Perp.Id(tb.AddService("numbers", main, log));
        using var daemon = DaemonProcess.Start(tb.Path);

        int kills = 0;
        uint lastKilled = 0;
        while (!File.Exists(done))
        {
            var logger = Perp.Status(tb.Path, id).Log;
            if (logger.Pid != 0 && logger.Pid != lastKilled && !logger.IsResetting)
            {
                Libc.Kill((int)logger.Pid, 15);
                lastKilled = logger.Pid;
                kills++;
            }
            Thread.Sleep(100);
            Assert.False(daemon.HasExited);
        }
        Wait.Until(() => CountLines(logDir) >= LinesToWrite, $"all {LinesToWrite} lines in {logDir}", TimeSpan.FromSeconds(30));

        var seen = new int[LinesToWrite + 1];
        int other = 0;
        foreach (string file in LogFiles(logDir))
            foreach (string line in File.ReadLines(file))
                if (int.TryParse(line, NumberStyles.None, CultureInfo.InvariantCulture, out int v) && v >= 1 && v <= LinesToWrite) seen[v]++;
                else other++;
        var lost = Enumerable.Range(1, LinesToWrite).Where(i => seen[i] == 0).ToList();
        var doubled = Enumerable.Range(1, LinesToWrite).Where(i => seen[i] > 1).ToList();
        output.WriteLine($"logger killed {kills} times; lost {lost.Count}, doubled {doubled.Count}, other lines {other}");
        Assert.True(kills >= 5, $"the logger was only killed {kills} times");
        Assert.True(lost.Count == 0, $"{lost.Count} lines lost, first: {string.Join(',', lost.Take(10))}");
        Assert.True(doubled.Count == 0, $"{doubled.Count} lines doubled, first: {string.Join(',', doubled.Take(10))}");
        Assert.Equal(0, other);
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
