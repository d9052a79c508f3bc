namespace PerpPS.Runtools.Tests;

/// <summary>runsession, rundetach, runpause, runchoom.</summary>
public sealed class ProcessToolsTests : IDisposable
{
    private readonly TempBase _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Runsession_makes_the_program_a_session_leader()
    {
        var r = Bin.Run("runsession", "/bin/sh", "-c", "echo $$; cat /proc/$$/stat");
        Assert.Equal(0, r.ExitCode);
        var lines = r.Stdout.Split('\n');
        var f = ProcFs.ParseStat(lines[1]);
        Assert.Equal(int.Parse(lines[0]), f.ProcessGroup);
        Assert.Equal(int.Parse(lines[0]), f.Session);
    }

    [Fact]
    public void Rundetach_returns_at_once_and_runs_the_program_in_its_own_session()
    {
        string marker = Path.Combine(_temp.Scratch, "detached");
        var r = Bin.Run("rundetach", "/bin/sh", "-c", $"exec >/dev/null 2>&1; echo $$ > {marker}.tmp; cat /proc/$$/stat >> {marker}.tmp; mv {marker}.tmp {marker}; exec sleep 30");
        Assert.Equal(0, r.ExitCode);
        Wait.Until(() => File.Exists(marker), "the detached program to run");
        var lines = File.ReadAllLines(marker);
        int pid = int.Parse(lines[0]);
        try
        {
            Assert.Equal(pid, ProcFs.ParseStat(lines[1]).Session); // session leader
            Assert.True(ProcessKiller.IsAlive(pid));
        }
        finally
        {
            ProcessKiller.Stop(pid, TimeSpan.FromSeconds(1));
        }
        var missing = Bin.Run("rundetach", "/no/such/program");
        Assert.Equal(111, missing.ExitCode);
        Assert.Equal("rundetach: fatal: unable to run /no/such/program: file does not exist (ENOENT)\n", missing.Stderr);
    }

    [Fact]
    public void Runpause_waits_then_execs_and_sigalrm_ends_the_pause()
    {
        using var p = Proc.Start("runpause", new[] { "0", "/bin/echo", "resumed" });
        Wait.Until(() => ProcFs.Catches(p.Pid, 14), "runpause to catch SIGALRM");
        Thread.Sleep(200);
        Assert.False(p.HasExited, "runpause 0 waits for a signal");
        p.Signal(14);
        Assert.Equal(0, p.WaitExit());
        Assert.Equal("resumed\n", p.Stdout);

        var timed = Bin.Run("runpause", "1", "/bin/echo", "after one second");
        Assert.Equal(0, timed.ExitCode);
        Assert.Equal("after one second\n", timed.Stdout);
        Assert.Equal(100, Bin.Run("runpause", "soon", "/bin/true").ExitCode);
    }

    [Fact]
    public void Runchoom_writes_the_setting_under_base_pid_key()
    {
        string fakeProc = Path.Combine(_temp.Scratch, "proc");
        // The file for our own pid does not exist until runchoom runs: give it a shell that
        // creates BASE/$$/KEY first, via a runchoom run with -p naming a prepared pid dir.
        Directory.CreateDirectory(Path.Combine(fakeProc, "4242"));
        File.WriteAllText(Path.Combine(fakeProc, "4242", "oom_score_adj"), "");
        var r = Bin.Run("runchoom", "-e", "-b", fakeProc, "-p", "4242", "-k", "oom_score_adj", "-s", "-1000", "/bin/echo", "ran");
        Assert.Equal(0, r.ExitCode);
        Assert.Equal("ran\n", r.Stdout);
        Assert.Equal("-1000\n", File.ReadAllText(Path.Combine(fakeProc, "4242", "oom_score_adj")));

        var env = new Dictionary<string, string?> { ["CHOOM_BASE"] = fakeProc, ["CHOOM_KEY"] = "oom_score_adj", ["CHOOM_SET"] = "-5" };
        var e = Bin.Run("runchoom", new[] { "-p", "4242", "/bin/true" }, env: env);
        Assert.Equal(0, e.ExitCode);
        Assert.Equal("-5\n", File.ReadAllText(Path.Combine(fakeProc, "4242", "oom_score_adj")));
    }

    [Fact]
    public void Runchoom_ignores_failure_unless_e_and_wants_an_absolute_base()
    {
        string nowhere = Path.Combine(_temp.Scratch, "nowhere");
        var ignored = Bin.Run("runchoom", "-b", nowhere, "/bin/echo", "still ran");
        Assert.Equal(0, ignored.ExitCode);
        Assert.Equal("still ran\n", ignored.Stdout);
        var strict = Bin.Run("runchoom", "-e", "-b", nowhere, "/bin/echo", "never");
        Assert.Equal(111, strict.ExitCode);
        Assert.StartsWith("runchoom: fatal: failure writing -17 to " + nowhere, strict.Stderr);
        var relative = Bin.Run("runchoom", "-b", "relative", "/bin/true");
        Assert.Equal(100, relative.ExitCode);
    }
}
