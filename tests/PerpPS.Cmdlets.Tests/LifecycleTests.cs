namespace PerpPS.Cmdlets.Tests;

/// <summary>New, Enable, Disable, Remove, Wait and Test: the directory side of services.</summary>
public class LifecycleTests(SessionFixture fixture) : IClassFixture<SessionFixture>
{
    private readonly PowerShellSession _ps = fixture.Session;

    [Fact]
    public void New_PerpService_writes_runscripts_and_Enable_starts_it_with_a_tinylog_logger()
    {
        // tinylog is on PATH, for New-PerpService and for perpd (started with this PATH), as
        // an installed one is: rc.log names it by name.
        string? path = Environment.GetEnvironmentVariable("PATH");
        Environment.SetEnvironmentVariable("PATH", RepoPaths.BinDirectory + ":" + path);
        using var pb = new PerpBase();
        try
        {
            var created = _ps.Invoke("New-PerpService -Base $args[0] -Name echoer -Command 'sh -c \"echo hello from echoer; exec sleep 1000\"'", pb.Path)
                .ThrowOnError().Single<PerpService>();
            Assert.Equal(PerpServiceStatus.Inactive, created.Status);
            Assert.True(created.HasLog);
            string dir = Path.Combine(pb.Path, "echoer");
            Assert.Contains("exec sh -c \"echo hello from echoer; exec sleep 1000\"\n", File.ReadAllText(Path.Combine(dir, "rc.main")));
            // tinylog is on PATH: rc.log names it as an installed system has it, by name.
            Assert.Contains("    exec tinylog -t log\n", File.ReadAllText(Path.Combine(dir, "rc.log")));
            Assert.DoesNotContain(RepoPaths.BinDirectory, File.ReadAllText(Path.Combine(dir, "rc.log")));
            Assert.True((File.GetUnixFileMode(Path.Combine(dir, "rc.main")) & UnixFileMode.UserExecute) != 0);

            var enabled = _ps.Invoke("Enable-PerpService -Base $args[0] echoer -PassThru", pb.Path).ThrowOnError().Single<PerpService>();
            Assert.True(enabled.Enabled);
            Assert.NotEqual(PerpServiceStatus.Inactive, enabled.Status);
            _ps.Invoke("Wait-PerpService -Base $args[0] echoer -Timeout 60", pb.Path).ThrowOnError();
            Wait.Until(() => _ps.Invoke("Get-PerpLog -Base $args[0] echoer", pb.Path).Output.Any(o => o.ToString()!.EndsWith("hello from echoer")),
                "the line in tinylog's current", PerpBase.Patience);
        }
        finally
        {
            Environment.SetEnvironmentVariable("PATH", path);
        }
    }

    [Fact]
    public void New_PerpService_refuses_an_existing_directory_and_honours_Down_Once_NoLog()
    {
        using var pb = new PerpBase(p => p.Sleeper("taken"));
        var r = _ps.Invoke("New-PerpService -Base $args[0] taken -Command 'sleep 1'", pb.Path);
        Assert.Equal(["PerpServiceExists,PerpPS.Cmdlets.NewPerpServiceCommand"], r.ErrorIds);
        var s = _ps.Invoke("New-PerpService -Base $args[0] quiet -Command 'sleep 1000' -Down -NoLog -Enable", pb.Path).ThrowOnError().Single<PerpService>();
        Assert.False(s.HasLog);
        Assert.Equal(PerpServiceStatus.Down, s.Status);
        Assert.True(File.Exists(Path.Combine(pb.Path, "quiet", "flag.down")));
        var o = _ps.Invoke("New-PerpService -Base $args[0] single -Command 'true' -Once -WhatIf", pb.Path).ThrowOnError();
        Assert.Empty(o.Output);
        Assert.False(Directory.Exists(Path.Combine(pb.Path, "single")));
    }

    [Fact]
    public void Disable_deactivates_and_Enable_reactivates()
    {
        using var pb = new PerpBase(p => p.Sleeper("web"));
        _ps.Invoke("Wait-PerpService -Base $args[0] web -Timeout 60", pb.Path).ThrowOnError();
        int pid = _ps.GetService(pb.Path, "web").Pid;
        var disabled = _ps.Invoke("Disable-PerpService -Base $args[0] web -PassThru", pb.Path).ThrowOnError().Single<PerpService>();
        Assert.Equal(PerpServiceStatus.Inactive, disabled.Status);
        Assert.False(disabled.Enabled);
        Assert.False(ProcessKiller.IsAlive(pid));
        Assert.Equal(0, (int)(File.GetUnixFileMode(Path.Combine(pb.Path, "web")) & UnixFileMode.StickyBit));
        var enabled = _ps.Invoke("Get-PerpService -Base $args[0] web | Enable-PerpService -PassThru", pb.Path).ThrowOnError().Single<PerpService>();
        Assert.True(enabled.Enabled);
        Assert.NotNull(enabled.ActivationTime);
    }

    [Fact]
    public void Enable_without_perpd_sets_the_bit_and_warns()
    {
        using var pb = new PerpBase(p => p.Sleeper("web", active: false), startDaemon: false);
        var r = _ps.Invoke("Enable-PerpService -Base $args[0] web", pb.Path).ThrowOnError();
        Assert.Single(r.Warnings);
        Assert.NotEqual(0, (int)(File.GetUnixFileMode(Path.Combine(pb.Path, "web")) & UnixFileMode.StickyBit));
    }

    [Fact]
    public void Remove_stops_the_service_then_deletes_the_directory()
    {
        using var pb = new PerpBase(p => p.Sleeper("web", rcLog: PerpBase.Script("exec cat >/dev/null")));
        Wait.Until(() => _ps.GetService(pb.Path, "web") is { Status: PerpServiceStatus.Up, Log.Pid: > 0 }, "web up with log", PerpBase.Patience);
        var before = _ps.GetService(pb.Path, "web");
        _ps.Invoke("Remove-PerpService -Base $args[0] web -Confirm:$false", pb.Path).ThrowOnError();
        Assert.False(Directory.Exists(Path.Combine(pb.Path, "web")));
        Assert.False(ProcessKiller.IsAlive(before.Pid));
        Assert.False(ProcessKiller.IsAlive(before.Log!.Pid));
        var r = _ps.Invoke("Get-PerpService -Base $args[0] web", pb.Path);
        Assert.Equal(["PerpServiceNotFound,PerpPS.Cmdlets.GetPerpServiceCommand"], r.ErrorIds);
    }

    [Fact]
    public void Wait_PerpService_honours_status_uptime_and_timeout()
    {
        using var pb = new PerpBase(p => { p.Sleeper("web"); p.Sleeper("standby", down: true); });
        var up = _ps.Invoke("Wait-PerpService -Base $args[0] web -MinimumUptime 2 -Timeout 60 -PassThru", pb.Path).ThrowOnError().Single<PerpService>();
        Assert.True(up.Uptime >= TimeSpan.FromSeconds(2));
        var down = _ps.Invoke("Wait-PerpService -Base $args[0] standby -Status Down -Timeout 5 -PassThru", pb.Path).ThrowOnError().Single<PerpService>();
        Assert.Equal(PerpServiceStatus.Down, down.Status);
        var r = _ps.Invoke("Wait-PerpService -Base $args[0] standby -Timeout 1", pb.Path);
        Assert.Equal(["PerpServiceWaitTimeout,PerpPS.Cmdlets.WaitPerpServiceCommand"], r.ErrorIds);
    }

    [Fact]
    public void Test_PerpService_answers_like_perpok()
    {
        using var pb = new PerpBase(p => { p.Sleeper("web"); p.Sleeper("standby", down: true); p.Sleeper("idle", active: false); });
        _ps.Invoke("Wait-PerpService -Base $args[0] web -Timeout 60", pb.Path).ThrowOnError();
        bool Test(string args) => (bool)_ps.Invoke("Test-PerpService -Base $args[0] " + args, pb.Path).ThrowOnError().Output.Single().BaseObject;
        Assert.True(Test("web"));
        Assert.True(Test("standby"));
        Assert.False(Test("standby -MinimumUptime 1"));
        Assert.False(Test("idle"));
        Assert.False(Test("nosuch"));
        Assert.False(Test("web -MinimumUptime 100000"));
        _ps.Invoke("Wait-PerpService -Base $args[0] web -MinimumUptime 1 -Timeout 60", pb.Path).ThrowOnError();
        Assert.True(Test("web -MinimumUptime 1"));
    }
}
