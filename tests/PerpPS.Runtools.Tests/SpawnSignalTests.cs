namespace PerpPS.Runtools.Tests;

/// <summary>
/// Every program a runtool starts begins with an empty signal mask and no ignored signal,
/// real-time signals 32 and 33 included (glibc's sigfillset leaves those out, and
/// posix_spawn then hands them to the child as SIG_IGN): read from the child's own
/// /proc/PID/status for each spawning tool.
/// </summary>
public sealed class SpawnSignalTests : IDisposable
{
    private readonly TempBase _temp = new();
    private readonly List<int> _started = new();

    public void Dispose()
    {
        foreach (int pid in _started) ProcessKiller.Stop(pid, TimeSpan.FromSeconds(2));
        _temp.Dispose();
    }

    /// <summary>A script that records its SigIgn/SigBlk, its pid and its parent into NAME.rec, then sleeps.</summary>
    private string Recorder(string name)
    {
        string script = Path.Combine(_temp.Scratch, name + ".sh");
        string rec = Path.Combine(_temp.Scratch, name + ".rec");
        TempBase.WriteScript(script, $$"""
            { grep -E '^(SigIgn|SigBlk):' /proc/$$/status | tr -d '\t' | sed 's/:/=/'; echo "pid=$$"; echo "ppid=$PPID"; } > {{rec}}.tmp
            mv {{rec}}.tmp {{rec}}
            exec sleep 30
            """);
        return script;
    }

    private Dictionary<string, string> Read(string name)
    {
        string rec = Path.Combine(_temp.Scratch, name + ".rec");
        Wait.Until(() => File.Exists(rec), "record " + rec);
        var d = new Dictionary<string, string>();
        foreach (var line in File.ReadAllLines(rec))
        {
            int eq = line.IndexOf('=');
            if (eq > 0) d[line[..eq]] = line[(eq + 1)..];
        }
        _started.Add(int.Parse(d["pid"]));
        return d;
    }

    private static void AssertClean(Dictionary<string, string> r, string who)
    {
        Assert.True(r["SigIgn"] == "0000000000000000", $"{who}: SigIgn {r["SigIgn"]}");
        Assert.True(r["SigBlk"] == "0000000000000000", $"{who}: SigBlk {r["SigBlk"]}");
    }

    [Fact]
    public void Rundetach_child_has_no_ignored_or_blocked_signal()
    {
        var r = Bin.Run("rundetach", Recorder("detach"));
        Assert.Equal(0, r.ExitCode);
        AssertClean(Read("detach"), "rundetach");
    }

    [Fact]
    public void Runtool_d_child_has_no_ignored_or_blocked_signal()
    {
        var r = Bin.Run("runtool", "-d", Recorder("tool"));
        Assert.Equal(0, r.ExitCode);
        AssertClean(Read("tool"), "runtool -d");
    }

    [Fact]
    public void Rundeux_program_and_logger_have_no_ignored_or_blocked_signal()
    {
        using var p = Proc.Start("rundeux", new[] { Recorder("program"), "::", Recorder("logger") });
        _started.Add(p.Pid);
        AssertClean(Read("program"), "rundeux program");
        AssertClean(Read("logger"), "rundeux logger");
    }

    [Fact]
    public void Rundeux_d_children_have_no_ignored_or_blocked_signal()
    {
        var r = Bin.Run("rundeux", "-d", Recorder("dprogram"), "::", Recorder("dlogger"));
        Assert.Equal(0, r.ExitCode);
        var program = Read("dprogram");
        _started.Insert(0, int.Parse(program["ppid"])); // the detached rundeux: stopped first
        AssertClean(program, "rundeux -d program");
        AssertClean(Read("dlogger"), "rundeux -d logger");
    }

    [Fact]
    public void Runtrap_program_has_no_ignored_or_blocked_signal()
    {
        using var p = Proc.Start("runtrap", new[] { "svc", "/bin/true", Recorder("trapped") });
        _started.Add(p.Pid);
        AssertClean(Read("trapped"), "runtrap");
    }

    [Fact]
    public void Perpboot_d_children_have_no_ignored_or_blocked_signal()
    {
        string boot = Path.Combine(_temp.Path, ".boot");
        Directory.CreateDirectory(boot);
        File.Copy(Recorder("rcperp"), Path.Combine(boot, "rc.perp"));
        File.Copy(Recorder("rclog"), Path.Combine(boot, "rc.log"));
        var r = Bin.Run("perpboot", "-d", _temp.Path);
        Assert.Equal(0, r.ExitCode);
        var perp = Read("rcperp");
        _started.Insert(0, int.Parse(perp["ppid"])); // the detached perpboot: stopped first
        AssertClean(perp, "perpboot -d rc.perp");
        AssertClean(Read("rclog"), "perpboot -d rc.log");
    }
}
