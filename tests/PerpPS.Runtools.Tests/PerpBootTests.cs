namespace PerpPS.Runtools.Tests;

/// <summary>perpboot (spec §11.1) on a temp base: real children, real signals.</summary>
public sealed class PerpBootTests : IDisposable
{
    private readonly TempBase _temp = new();
    private readonly List<int> _leftovers = new();
    private string Boot => Path.Combine(_temp.Path, ".boot");
    private string LogDir_ => Path.Combine(_temp.Scratch, "bootlog");

    public PerpBootTests() => Directory.CreateDirectory(Boot);

    public void Dispose()
    {
        ProcessKiller.KillAll(_leftovers);
        _temp.Dispose();
    }

    private void WriteBoot(string rcPerpBody)
    {
        TempBase.WriteScript(Path.Combine(Boot, "rc.perp"), rcPerpBody);
        TempBase.WriteScript(Path.Combine(Boot, "rc.log"), $"exec tinylog {LogDir_}\n");
    }

    private bool LogHas(string text) =>
        File.Exists(Path.Combine(LogDir_, "current")) && LogDir.Current(LogDir_).Contains(text);

    [Fact]
    public void Runs_rc_perp_into_rc_log_restarts_it_and_stops_on_term()
    {
        string record = Path.Combine(_temp.Scratch, "record");
        WriteBoot($"echo \"base=$PERP_BASE umask=$(umask) argc=$# fd0=$(readlink /proc/$$/fd/0)\" >> {record}\n" +
                  "echo rc.perp on stdout\necho rc.perp on stderr >&2\nexec sleep 30\n");
        using var boot = Proc.Start("perpboot", new[] { _temp.Path });
        Wait.Until(() => LogHas("rc.perp on stdout") && LogHas("rc.perp on stderr"), "rc.perp's output in rc.log's tinylog");
        Assert.Equal($"base={_temp.Path} umask=0000 argc=0 fd0=/dev/null\n", File.ReadAllText(record));
        Wait.Until(() => ProcFs.ChildrenOf(boot.Pid).Any(c => ProcFs.CommandLine(c).StartsWith("sleep")), "rc.perp exec'd sleep");
        var children = ProcFs.ChildrenOf(boot.Pid);
        _leftovers.AddRange(ProcFs.DescendantsOf(boot.Pid));
        Assert.Equal(2, children.Count);

        int sleeper = children.Single(c => ProcFs.CommandLine(c).StartsWith("sleep"));
        PerpPS.Core.Interop.Libc.Kill(sleeper, 9);
        Wait.Until(() => File.ReadAllLines(record).Length == 2, "rc.perp restarted");
        Wait.Until(() => ProcFs.ChildrenOf(boot.Pid).Count == 2, "two children again");
        _leftovers.AddRange(ProcFs.DescendantsOf(boot.Pid));

        boot.Signal(15);
        Assert.Equal(0, boot.WaitExit());
        Wait.Until(() => _leftovers.All(p => !ProcessKiller.IsAlive(p)), "rc.perp and rc.log gone");
        Assert.Equal((UnixFileMode)0b111_100_100, LogDir.Mode(Path.Combine(LogDir_, "current")));
    }

    [Fact]
    public void Forwards_signals_to_rc_perp()
    {
        WriteBoot("trap 'echo got HUP' HUP\ntrap 'echo got USR1' USR1\necho ready\nwhile :; do sleep 0.1; done\n");
        using var boot = Proc.Start("perpboot", new[] { _temp.Path });
        Wait.Until(() => LogHas("ready"), "rc.perp ready");
        _leftovers.AddRange(ProcFs.DescendantsOf(boot.Pid));
        boot.Signal(1);
        Wait.Until(() => LogHas("got HUP"), "HUP forwarded");
        boot.Signal(10);
        Wait.Until(() => LogHas("got USR1"), "USR1 forwarded");
        Assert.False(boot.HasExited);
        boot.Signal(15);
        Assert.Equal(0, boot.WaitExit());
    }

    [Fact]
    public void X_execs_rc_perp_in_place_with_only_the_logger_as_child()
    {
        WriteBoot("echo in place $$\nexec sleep 30\n");
        using var boot = Proc.Start("perpboot", new[] { "-x", _temp.Path });
        Wait.Until(() => LogHas("in place " + boot.Pid), "rc.perp running as perpboot's own process");
        _leftovers.AddRange(ProcFs.DescendantsOf(boot.Pid));
        Wait.Until(() => ProcFs.CommandLine(boot.Pid) == "sleep 30", "rc.perp exec'd sleep in perpboot's process");
        var child = Assert.Single(ProcFs.ChildrenOf(boot.Pid));
        Assert.Contains("tinylog", ProcFs.CommandLine(child));
        boot.Signal(15);
        boot.WaitExit();
    }

    [Fact]
    public void Base_comes_from_PERP_BASE_and_errors_are_perps()
    {
        string record = Path.Combine(_temp.Scratch, "pb");
        WriteBoot($"echo $PERP_BASE > {record}\nexec sleep 30\n");
        using (var boot = Proc.Start("perpboot", Array.Empty<string>(), env: new Dictionary<string, string?> { ["PERP_BASE"] = _temp.Path }))
        {
            Wait.Until(() => File.Exists(record) && File.ReadAllText(record) == _temp.Path + "\n", "base from PERP_BASE");
            _leftovers.AddRange(ProcFs.DescendantsOf(boot.Pid));
            boot.Signal(15);
            Assert.Equal(0, boot.WaitExit());
        }
        string missing = Path.Combine(_temp.Scratch, "nobase");
        var r = Bin.Run("perpboot", missing);
        Assert.Equal(111, r.ExitCode);
        Assert.Equal($"perpboot fatal: failure chdir() to {missing}: file does not exist (ENOENT)\n", r.Stderr);
        var noBoot = Bin.Run("perpboot", _temp.Scratch);
        Assert.Equal(111, noBoot.ExitCode);
        Assert.Equal("perpboot fatal: failure chdir() to .boot: file does not exist (ENOENT)\n", noBoot.Stderr);
        var usage = Bin.Run("perpboot", "-Z");
        Assert.Equal(100, usage.ExitCode);
        Assert.Equal("perpboot usage error: invalid option: -Z\nusage: perpboot [-hV] [-dx] [basedir]\n", usage.Stderr);
    }

    [Fact]
    public void D_detaches_and_returns_zero_at_once()
    {
        string record = Path.Combine(_temp.Scratch, "detached");
        WriteBoot($"cat /proc/$PPID/stat > {record}.tmp; mv {record}.tmp {record}\nexec sleep 30\n");
        var r = Bin.Run("perpboot", "-d", _temp.Path);
        Assert.Equal(0, r.ExitCode);
        Wait.Until(() => File.Exists(record), "detached perpboot running rc.perp");
        string stat = File.ReadAllText(record);
        int bootPid = int.Parse(stat[..stat.IndexOf(' ')]);
        _leftovers.Add(bootPid);
        _leftovers.AddRange(ProcFs.DescendantsOf(bootPid));
        Assert.Equal(bootPid, ProcFs.ParseStat(stat).Session); // perpboot leads its own session
        PerpPS.Core.Interop.Libc.Kill(bootPid, 15);
        Wait.Until(() => !ProcessKiller.IsAlive(bootPid), "detached perpboot stopped");
    }
}
