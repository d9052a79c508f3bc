using PerpPS.Core.Interop;
using PerpPS.Core.Posix;
using PerpPS.Core.Protocol;

namespace PerpPS.Reliability.Tests;

/// <summary>
/// perpd killed with SIGKILL and started again (issue #11, 20 running and 5 down services):
/// the old mains used to run twice (none adopted), the down services came back up, the old
/// tinylogs kept their locks so the new ones failed every second, and the first perpd's
/// processes outlived the second's shutdown. Now the new perpd adopts what runs (found by
/// cgroup, or by session and /proc without one), keeps the wanted states the commands set,
/// takes back the log pipes, and stops everything at shutdown. Every main writes numbered
/// lines: the log files must hold each number once, none missing, across the crash, the
/// adoption and a logger killed afterwards.
/// </summary>
public sealed class CrashAdoptionTests(ITestOutputHelper output)
{
    private const int Running = 20, Down = 5;
    private static readonly TimeSpan Long = TimeSpan.FromSeconds(60);

    public static TheoryData<bool> Modes() => Cgroup2.WhyNot() == null ? new() { true, false } : new() { false };

    [Theory]
    [MemberData(nameof(Modes))]
    public void After_a_SIGKILL_the_next_perpd_adopts_running_services_and_keeps_down_ones_down(bool cgroups)
    {
        using var tb = new TempBase();
        string resets = Path.Combine(tb.Scratch, "resets");
        var env = new Dictionary<string, string?> { ["PERPD_CGROUP"] = cgroups ? null : "off" };
        var ids = new List<ServiceId>();
        for (int i = 0; i < Running + Down; i++)
        {
            ids.Add(Perp.Id(tb.AddService($"s{i:D2}", NumberedLines.MainScript(resets), NumberedLines.LogScript(tb, i))));
        }
        var everyPid = new HashSet<int>();
        DaemonProcess? first = null, second = null;
        try
        {
            var mains = new uint[ids.Count];
            var logs = new uint[ids.Count];
            first = DaemonProcess.Start(tb.Path, environment: env);
            for (int i = 0; i < ids.Count; i++) Perp.WaitMainUp(tb.Path, ids[i], Long);
            for (int i = Running; i < ids.Count; i++) Perp.Send(tb.Path, ids[i], 'd');
            for (int i = 0; i < ids.Count; i++)
            {
                int k = i;
                Wait.Until(() => Perp.Status(tb.Path, ids[k]) is var s && (k < Running ? s.Main.IsRunning : !s.Main.IsRunning)
                    && s.Log is { IsRunning: true, IsResetting: false }, $"s{k:D2} settled", Long);
                var st = Perp.Status(tb.Path, ids[i]);
                mains[i] = st.Main.Pid;
                logs[i] = st.Log.Pid;
                if (mains[i] != 0) everyPid.Add((int)mains[i]);
                everyPid.Add((int)logs[i]);
            }
            Libc.Kill(first.Pid, 9);
            Wait.Until(() => !ProcessKiller.IsAlive(first.Pid), "the first perpd to die");
            // The loggers of the down services see EOF (their pipe's last writer is gone) and
            // exit. Without a cgroup nothing ties such a logger to its service (tinylog left the
            // service directory), so one still draining would hold its lock against the new
            // logger for a governor second: start the new perpd once they are gone, as a
            // supervisor restarting perpd would.
            Wait.Until(() => Enumerable.Range(Running, Down).All(i => !ProcessKiller.IsAlive((int)logs[i])), "the down services' loggers to end at EOF", Long);

            second = DaemonProcess.Start(tb.Path, environment: env);
            for (int i = 0; i < ids.Count; i++)
            {
                var st = Perp.Status(tb.Path, ids[i]);
                if (i < Running)
                {
                    Assert.Equal(mains[i], st.Main.Pid); // adopted, not started twice
                    Assert.Equal(logs[i], st.Log.Pid);
                }
                else
                {
                    // Down: its logger saw EOF when the pipe's last writer, the first perpd, died; a new one runs.
                    Assert.True(!st.Main.IsRunning && st.Main.WantsDown, $"s{i:D2} came back up");
                    Wait.Until(() => Perp.Status(tb.Path, ids[i]).Log is { IsRunning: true, IsResetting: false }, $"s{i:D2}'s logger", Long);
                }
            }
            // One runscript per slot, none twice: counted by the test itself from /proc (a new
            // logger's rc.log counts in its service directory until it has exec'd tinylog: wait).
            bool OnePerSlot(Dictionary<string, int> perDirectory) => Enumerable.Range(0, ids.Count).All(i =>
                perDirectory.GetValueOrDefault(tb.Service($"s{i:D2}")) == (i < Running ? 1 : 0)
                && perDirectory.GetValueOrDefault(Path.Combine(tb.Scratch, $"s{i:D2}")) == 1);
            try { Wait.Until(() => OnePerSlot(RunscriptsPerDirectory(tb)), "one runscript per slot", Long); }
            catch (TimeoutException)
            {
                Assert.Fail("runscripts per directory: " + string.Join(", ", RunscriptsPerDirectory(tb).Select(kv => $"{kv.Key}={kv.Value}")));
            }
            for (int i = 0; i < Running; i++)
                Assert.True(ProcessKiller.IsAlive((int)mains[i]) && ProcessKiller.IsAlive((int)logs[i]), $"s{i:D2}'s first runscripts alive");
            for (int i = Running; i < ids.Count; i++) everyPid.Add((int)Perp.Status(tb.Path, ids[i]).Log.Pid);
            // perpd's lines reach the test through a pipe, asynchronously: wait for them.
            static int Adopted(DaemonProcess d) => d.Lines.Count(l => l.Contains("adopted service ", StringComparison.Ordinal));
            Wait.Until(() => Adopted(second) >= Running, "an adoption line per running service", Long);
            Assert.Equal(Running, Adopted(second));
            Assert.DoesNotContain(second.Lines, l => l.Contains("tinylog.pid", StringComparison.Ordinal));

            // Every logger still writing: lines the mains write after the adoption land in the files.
            var highest = Enumerable.Range(0, Running).Select(i => NumberedLines.Highest(tb, i)).ToArray();
            for (int i = 0; i < Running; i++)
            {
                int k = i;
                Wait.Until(() => NumberedLines.Highest(tb, k) > highest[k] + 5, $"s{k:D2}'s logger to write after the adoption", Long);
            }
            // A logger killed after the adoption: its successor reads the same (taken back) pipe.
            Libc.Kill((int)logs[0], 15);
            var next = Perp.WaitStatus(tb.Path, "s00", s => s.Log is { IsRunning: true, IsResetting: false } l && l.Pid != logs[0],
                "a new logger for s00", Long);
            everyPid.Add((int)next.Log.Pid);
            long after = NumberedLines.Highest(tb, 0);
            Wait.Until(() => NumberedLines.Highest(tb, 0) > after + 5, "the new logger of s00 to write", Long);

            // The second perpd's shutdown stops the first one's processes too; the adopted mains' resets say "unknown".
            Libc.Kill(second.Pid, 15);
            Assert.Equal(0, second.WaitForExit(Long));
            Wait.Until(() => !everyPid.Any(ProcessKiller.IsAlive), "every adopted process to be stopped", Long);
            Assert.Empty(RunscriptsPerDirectory(tb));
            Assert.Contains("reset s00 unknown", File.ReadAllLines(resets));
            for (int i = 0; i < ids.Count; i++) NumberedLines.AssertNoLineLost(tb, i, mayBeEmpty: i >= Running);
        }
        finally
        {
            foreach (var d in new[] { second, first })
            {
                if (d == null) continue;
                if (!d.HasExited)
                {
                    output.WriteLine(Diagnose(d.Pid));
                    Libc.Kill(d.Pid, 9);
                }
                try { d.WaitForExit(TimeSpan.FromSeconds(5)); } // its last lines in (a crash's message)
                catch (TimeoutException) { }
                if (d.HasExited) output.WriteLine($"perpd {d.Pid} exit code {d.ExitCode}");
                output.WriteLine(string.Join('\n', d.Lines.Where(l => !l.StartsWith("n ", StringComparison.Ordinal)).Take(200)));
            }
            ProcessKiller.KillAll(everyPid);
            ProcessKiller.KillAll(DaemonProcess.SessionMembers(everyPid));
            ProcessKiller.KillAll(ProcFs.ProcessesOfBase(tb.Path));
            second?.Dispose();
            first?.Dispose();
        }
    }

    /// <summary>Where a perpd that is still running stands (its threads' kernel stacks and its children), for a failure's output.</summary>
    private static string Diagnose(int pid)
    {
        var text = new System.Text.StringBuilder($"perpd {pid} still running:\n");
        try
        {
            foreach (string task in Directory.EnumerateDirectories($"/proc/{pid}/task"))
            {
                string Read(string f) { try { return File.ReadAllText(Path.Combine(task, f)).Trim(); } catch (IOException) { return "?"; } }
                text.Append(Path.GetFileName(task)).Append(' ').Append(Read("comm")).Append(" wchan=").Append(Read("wchan")).Append('\n').Append(Read("stack")).Append('\n');
            }
            foreach (int c in ProcFs.ChildrenOf(pid, includeZombies: true))
                text.Append("child ").Append(c).Append(' ').Append(ProcFs.State(c)).Append(' ').Append(ProcFs.CommandLine(c)).Append('\n');
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            text.Append(e.Message);
        }
        return text.ToString();
    }

    /// <summary>Session leaders with this base in their environment, per working directory (a main's is its service directory, tinylog's its log directory).</summary>
    private static Dictionary<string, int> RunscriptsPerDirectory(TempBase tb)
    {
        var count = new Dictionary<string, int>();
        foreach (int pid in ProcFs.ProcessesOfBase(tb.Path))
        {
            if (!ProcStat.TryRead(pid, out var st) || st.Session != pid) continue;
            string? cwd;
            try { cwd = new DirectoryInfo($"/proc/{pid}/cwd").LinkTarget; }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { continue; }
            if (cwd != null) count[cwd] = count.GetValueOrDefault(cwd) + 1;
        }
        return count;
    }
}
