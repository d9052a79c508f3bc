namespace PerpPS.Runtools.Tests;

/// <summary>rundeux and runtrap: supervised children, real signals.</summary>
public sealed class SupervisorToolsTests : IDisposable
{
    private readonly TempBase _temp = new();

    public void Dispose() => _temp.Dispose();

    /// <summary>Zombies count: a child the tool has not reaped yet is still its child.</summary>
    private static List<int> ChildrenOf(int pid) => ProcFs.ChildrenOf(pid, includeZombies: true);

    [Fact]
    public void Rundeux_pipes_program_into_logger_restarts_it_and_stops_on_term()
    {
        string log = Path.Combine(_temp.Scratch, "log");
        string counter = Path.Combine(_temp.Scratch, "starts");
        using var p = Proc.Start("rundeux", new[]
        {
            "/bin/sh", "-c", $"echo start >> {counter}; echo line from program; exec sleep 30",
            "::", "tinylog", log,
        });
        Wait.Until(() => File.Exists(Path.Combine(log, "current")) && LogDir.Current(log).Contains("line from program"), "program output in the logger");
        Wait.Until(() => ChildrenOf(p.Pid).Any(c => ProcFs.CommandLine(c).StartsWith("sleep")), "program exec'd sleep");
        var children = ChildrenOf(p.Pid);
        Assert.Equal(2, children.Count);

        // Killing the program gets it restarted.
        int program = children.First(c => ProcFs.CommandLine(c).StartsWith("sleep"));
        PerpPS.Core.Interop.Libc.Kill(program, 9);
        Wait.Until(() => File.ReadAllLines(counter).Length == 2, "program restarted");
        Wait.Until(() => LogDir.Current(log).Split('\n').Count(l => l == "line from program") == 2, "second start logged");

        var running = ChildrenOf(p.Pid);
        p.Signal(15);
        Assert.Equal(0, p.WaitExit());
        Wait.Until(() => running.All(c => !ProcessKiller.IsAlive(c)), "program and logger gone");
        Assert.Equal((UnixFileMode)0b111_100_100, LogDir.Mode(Path.Combine(log, "current")));
    }

    [Fact]
    public void Rundeux_with_S_separator_and_without_separator()
    {
        string log = Path.Combine(_temp.Scratch, "log2");
        using var p = Proc.Start("rundeux", new[] { "-S", "++", "/bin/sh", "-c", "echo via plus; exec sleep 30", "++", "tinylog", log });
        Wait.Until(() => File.Exists(Path.Combine(log, "current")) && LogDir.Current(log) == "via plus\n", "output through -S separator");
        p.Signal(2);
        Assert.Equal(0, p.WaitExit());

        var none = Bin.Run("rundeux", "/bin/echo", "a", "b");
        Assert.Equal(100, none.ExitCode);
        Assert.StartsWith("rundeux: usage error: ", none.Stderr);
    }

    [Fact]
    public void Rundeux_x_execs_the_program_in_place_and_d_detaches()
    {
        string log = Path.Combine(_temp.Scratch, "logx");
        using (var p = Proc.Start("rundeux", new[] { "-x", "/bin/sh", "-c", "echo in place $$; exec sleep 30", "::", "tinylog", log }))
        {
            Wait.Until(() => File.Exists(Path.Combine(log, "current")) && LogDir.Current(log) == $"in place {p.Pid}\n", "program as rundeux's own process");
            var logger = Assert.Single(ChildrenOf(p.Pid));
            Assert.Contains("tinylog", ProcFs.CommandLine(logger));
            p.Signal(15);
            p.WaitExit();
            Wait.Until(() => !ProcessKiller.IsAlive(logger), "logger sees EOF and exits");
        }

        string logd = Path.Combine(_temp.Scratch, "logd");
        var d = Bin.Run("rundeux", "-d", "/bin/sh", "-c", "echo detached; cat /proc/$PPID/stat; exec sleep 30", "::", "tinylog", logd);
        Assert.Equal(0, d.ExitCode);
        Wait.Until(() => File.Exists(Path.Combine(logd, "current")) && LogDir.Current(logd).Contains(") "), "detached rundeux running");
        string stat = LogDir.Current(logd).Split('\n')[1];
        int deux = int.Parse(stat[..stat.IndexOf(' ')]);
        var descendants = ProcFs.DescendantsOf(deux);
        Assert.Equal(deux, ProcFs.ParseStat(stat).Session);
        PerpPS.Core.Interop.Libc.Kill(deux, 15);
        Wait.Until(() => !ProcessKiller.IsAlive(deux) && descendants.All(x => !ProcessKiller.IsAlive(x)), "detached rundeux and children stopped");
    }

    [Fact]
    public void Runtrap_hands_signals_to_the_trapper_and_exits_after_term()
    {
        string record = Path.Combine(_temp.Scratch, "traps");
        string trapper = Path.Combine(_temp.Scratch, "trapper");
        TempBase.WriteScript(trapper, $"echo \"$*\" >> {record}\n[ \"$5\" = SIGTERM ] && kill -TERM $3\nexit 0\n");
        using var p = Proc.Start("runtrap", new[] { "svc1", trapper, "/bin/sleep", "30" });
        Wait.Until(() => ChildrenOf(p.Pid).Count == 1, "program started");
        int child = ChildrenOf(p.Pid)[0];

        p.Signal(10);
        p.WaitForStderr("runtrap: warning: trapper completion");
        Assert.Contains("runtrap: warning: do_trap() on signal SIGUSR1", p.Stderr);
        Assert.Equal($"trap svc1 {child} 10 SIGUSR1\n", File.ReadAllText(record));
        Assert.True(ProcessKiller.IsAlive(child), "the signal is not forwarded");

        p.Signal(15);
        Assert.Equal(0, p.WaitExit());
        Assert.Equal($"trap svc1 {child} 10 SIGUSR1\ntrap svc1 {child} 15 SIGTERM\n", File.ReadAllText(record));
        Assert.False(ProcessKiller.IsAlive(child));
    }
}
