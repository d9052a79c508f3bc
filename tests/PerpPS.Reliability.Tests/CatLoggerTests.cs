using System.Runtime.InteropServices;
using PerpPS.Core.Interop;

namespace PerpPS.Reliability.Tests;

/// <summary>
/// A plain <c>cat &gt;&gt; file</c> logger killed again and again (issue #11: "200 lines lost in
/// one run of two, perp 2.07: 0"). Finding: perpd has no window of its own. It keeps the
/// one pipe for the service's life (both ends, never read, never recreated while the
/// service runs, blocking, 64 KiB as perp's), so nothing written while no logger runs is
/// lost. What a killed cat loses is what it had read and not yet written: its own buffer
/// (a read of up to 128 KiB), also when it was woken by its fatal signal while data landed
/// (pipe_read tests "readable" before "signal pending"). That is the same under perp; perp
/// 2.07 lost none in the adversarial run because its governor sleeps in a forked copy of
/// perpd that already holds the pipe on stdin and carries the logger's pid, so a kill aimed
/// at "the logger" within a second of its last start hits a sleeper that holds no data.
/// perpd used to wait in itself (status pid 0) and publish the pid of the real reader, which
/// had just read everything written during the wait; it now sleeps in the child as perp
/// does (the daemon README, items 2 and 17). Measured one-off with the same killer
/// (SIGKILL to the reported pid every 0.15 s, 100,000 lines, pipe held by a test harness,
/// not perpd): restart at once 762 lost (41 real cats killed); perp's sleeper 0 lost (1
/// real cat); PerpPS's wait 12,083 lost; with kills 1.2 s apart all three lost 0 (43 real
/// cats each). So the tests pin what perpd guarantees: nothing is lost while no logger
/// reads, kills aimed at the shown logger pid (the issue's run) lose nothing, and a killed
/// busy reader takes at most its own read, never a doubled line.
/// </summary>
public sealed class CatLoggerTests(ITestOutputHelper output)
{
    /// <summary>cat's read buffer (coreutils' IO_BUFSIZE): the most one killed cat can take with it.</summary>
    private const int CatBuffer = 128 * 1024;

    /// <summary>A bound for each run, far above what it takes on a loaded machine (a broken pipe makes main restart forever).</summary>
    private static readonly TimeSpan RunLimit = TimeSpan.FromMinutes(10);

    /// <summary>
    /// The pipe's part: cat is killed only while it waits in read(2) on the empty pipe with
    /// main stopped (so it holds nothing), then main writes on while no logger runs. Every
    /// line must arrive exactly once: a perpd that dropped, drained or recreated the pipe at
    /// a logger's restart loses what was written meanwhile.
    /// </summary>
    [Fact]
    public void Cat_logger_killed_while_waiting_loses_and_doubles_no_line()
    {
        const int lines = 20000;
        using var run = new NumberedLogService(lines, scratch => $"[ \"$1\" = start ] || exit 0\nexec cat >> {scratch}/out\n");
        string logFile = Path.Combine(run.Base.Scratch, "out");

        int kills = 0;
        uint lastKilled = 0;
        var started = System.Diagnostics.Stopwatch.StartNew();
        while (run.Writing)
        {
            Assert.True(started.Elapsed < RunLimit, $"main did not finish writing: {run.Status().Main}");
            var status = run.Status();
            var logger = status.Log;
            int pid = (int)logger.Pid, writer = (int)status.Main.Pid;
            if (pid != 0 && logger.Pid != lastKilled && !logger.IsResetting && writer != 0)
            {
                // Main is stopped, so no byte arrives; cat waiting in read(2) then holds none.
                Libc.Kill(writer, 19);
                bool idle = false;
                for (int i = 0; i < 50 && !(idle = WaitsInRead(pid)); i++) Thread.Sleep(2);
                if (idle)
                {
                    Libc.Kill(pid, kills % 2 == 0 ? 15 : 9);
                    lastKilled = logger.Pid;
                    kills++;
                    // A reader woken by its fatal signal still takes data that arrives before
                    // it is scheduled: let it die before main writes again.
                    Wait.Until(() => !ProcessKiller.IsAlive(pid), "the killed cat to die");
                }
                Libc.Kill(writer, 18);
            }
            Thread.Sleep(20);
            Assert.False(run.Daemon.HasExited);
        }
        Wait.Until(() => File.Exists(logFile) && File.ReadAllLines(logFile).Length >= lines,
            $"all {lines} lines in {logFile}", TimeSpan.FromSeconds(30));

        var count = NumberedLogService.Count([logFile], lines);
        output.WriteLine($"cat killed {kills} times; {count}");
        Assert.True(kills >= 5, $"cat was only killed {kills} times");
        Assert.True(count.Lost.Count == 0 && count.Doubled.Count == 0 && count.Other == 0, count.ToString());
    }

    /// <summary>
    /// The issue's run: 100,000 numbered lines (at least), cat killed 50 times (SIGKILL and
    /// SIGTERM in turn) as soon as each new one reads. Lines may go with a killed reader, but
    /// only as one stretch per kill, never more than a cat's buffer, never a doubled line, and
    /// everything after the last kill arrives. Before perpd held the pipe (a logger's death
    /// closing the only read end), main died of SIGPIPE and its restart doubled lines.
    /// </summary>
    [Fact]
    public void Cat_logger_killed_50_times_loses_only_what_a_dying_reader_held()
    {
        const int lines = 100000, wantedKills = 50;
        using var run = new NumberedLogService(lines, scratch => $"[ \"$1\" = start ] || exit 0\nexec cat >> {scratch}/out\n", untilStopped: true);
        string logFile = Path.Combine(run.Base.Scratch, "out");

        int kills = 0;
        var killed = new HashSet<uint>();
        var started = System.Diagnostics.Stopwatch.StartNew();
        while (kills < wantedKills)
        {
            Assert.False(run.Daemon.HasExited);
            Assert.True(started.Elapsed < RunLimit && run.Writing, $"only {kills} kills before main ended or the time ran out");
            var logger = run.Status().Log;
            if (logger.Pid != 0 && !logger.IsResetting && !killed.Contains(logger.Pid) && IsCat((int)logger.Pid))
            {
                Libc.Kill((int)logger.Pid, kills % 2 == 0 ? 9 : 15);
                killed.Add(logger.Pid);
                kills++;
            }
            Thread.Sleep(10);
        }
        run.Stop();
        Wait.Until(() => !run.Writing, "main to finish writing", TimeSpan.FromMinutes(5));
        int total = run.Total;
        string last = total.ToString(System.Globalization.CultureInfo.InvariantCulture);
        Wait.Until(() => File.ReadLines(logFile).Any(l => l == last), $"line {total} in {logFile}", TimeSpan.FromSeconds(60));

        var count = NumberedLogService.Count([logFile], total);
        var runs = count.LostRuns();
        output.WriteLine($"cat killed {kills} times, {total} lines; {count}; lost stretches: {string.Join(' ', runs.Select(r => $"{r.First}+{r.Count}"))}");
        Assert.True(count.Doubled.Count == 0, count.ToString());
        Assert.True(runs.Count + count.Other <= kills, $"{runs.Count} lost stretches and {count.Other} torn lines for {kills} kills");
        foreach (var (first, n) in runs)
        {
            long bytes = Enumerable.Range(first, n).Sum(i => (long)i.ToString(System.Globalization.CultureInfo.InvariantCulture).Length + 1);
            Assert.True(bytes <= CatBuffer, $"lines {first}..{first + n - 1} ({bytes} bytes) are more than one cat could hold");
        }
    }

    /// <summary>
    /// The issue's scenario as the adversarial run did it: 50 kills (SIGKILL and SIGTERM in
    /// turn) aimed at whatever pid status shows as the logger, at most one every 0.1 s, while
    /// main writes 100,000 numbered lines (at least), from the first restart the governor
    /// holds back on. No line may be lost, doubled or torn.
    /// perp 2.07 lost none: its governor's hold-back is slept in the forked child that
    /// already holds the pipe and carries the logger's pid, so a kill after a restart hits a
    /// sleeper that has read nothing. perpd used to wait in itself (pid 0) and publish the
    /// real cat, which had just read the whole backlog: 12,083 lines lost.
    /// </summary>
    [Fact]
    public void Cat_logger_killed_50_times_at_its_shown_pid_loses_no_line()
    {
        const int lines = 100000, wantedKills = 50;
        using var run = new NumberedLogService(lines, scratch => $"[ \"$1\" = start ] || exit 0\nexec cat >> {scratch}/out\n", untilStopped: true);
        string logFile = Path.Combine(run.Base.Scratch, "out");

        var killed = new HashSet<uint>();
        // Priming, with main stopped so no line is in flight: the first logger was started
        // without a hold-back, so a kill could catch it busy (between read and write), which
        // loses its buffer under perp as well. Kill idle cats until a restart is held back
        // (a sleeper shown, or pid 0 while perpd waits in itself as it used to).
        var status = run.Status();
        Wait.Until(() => (status = run.Status()).Main.Pid != 0 && status.Log.Pid != 0 && run.Writing, "main writing and the logger up");
        int writer = (int)status.Main.Pid;
        Libc.Kill(writer, 19);
        Wait.Until(() =>
        {
            var log = run.Status().Log;
            if (log.IsResetting) return false;
            if (log.Pid == 0 || ProcFs.IsGovernorSleeper((int)log.Pid, run.Daemon.Pid)) return true;
            if (killed.Contains(log.Pid) || !WaitsInRead((int)log.Pid)) return false;
            Libc.Kill((int)log.Pid, 9);
            killed.Add(log.Pid);
            return false;
        }, "a logger start held back by the governor");
        Libc.Kill(writer, 18);

        int kills = 0, cats = 0;
        var started = System.Diagnostics.Stopwatch.StartNew();
        while (kills < wantedKills)
        {
            Assert.False(run.Daemon.HasExited);
            Assert.True(started.Elapsed < RunLimit && run.Writing, $"only {kills} kills before main ended or the time ran out");
            var logger = run.Status().Log;
            if (logger.Pid != 0 && !logger.IsResetting && !killed.Contains(logger.Pid))
            {
                if (IsCat((int)logger.Pid)) cats++;
                Libc.Kill((int)logger.Pid, kills % 2 == 0 ? 9 : 15);
                killed.Add(logger.Pid);
                kills++;
                Thread.Sleep(100);
            }
            Thread.Sleep(5);
        }
        run.Stop();
        Wait.Until(() => !run.Writing, "main to finish writing", TimeSpan.FromMinutes(5));
        int total = run.Total;
        string last = total.ToString(System.Globalization.CultureInfo.InvariantCulture);
        Wait.Until(() => File.ReadLines(logFile).Any(l => l == last), $"line {total} in {logFile}", TimeSpan.FromSeconds(120));

        var count = NumberedLogService.Count([logFile], total);
        output.WriteLine($"{kills} kills at the shown logger pid ({cats} of them a running cat), {total} lines; {count}");
        Assert.True(count.Lost.Count == 0 && count.Doubled.Count == 0 && count.Other == 0, count.ToString());
    }

    private static bool IsCat(int pid)
    {
        try { return File.ReadAllText($"/proc/{pid}/comm").Trim() == "cat"; }
        catch (IOException) { return false; }
    }

    /// <summary>True when the process is cat blocked in read(2) (syscall 0 on x86_64, 63 on arm64).</summary>
    private static bool WaitsInRead(int pid)
    {
        try
        {
            if (!IsCat(pid)) return false;
            string nr = File.ReadAllText($"/proc/{pid}/syscall").Split(' ')[0];
            return nr == (RuntimeInformation.ProcessArchitecture == Architecture.X64 ? "0" : "63");
        }
        catch (IOException)
        {
            return false;
        }
    }
}
