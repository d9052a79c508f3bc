using System.Management.Automation;

namespace PerpPS.Cmdlets.Tests;

public class ServiceActionTests(SessionFixture fixture) : IClassFixture<SessionFixture>
{
    private readonly PowerShellSession _ps = fixture.Session;

    [Fact]
    public void Pipeline_starts_every_down_service_and_waits_until_up()
    {
        using var pb = new PerpBase(p => { p.Sleeper("a", down: true); p.Sleeper("b", down: true); p.Sleeper("c"); });
        _ps.WaitServiceStatus(pb.Path, "c", PerpServiceStatus.Up);
        int cPid = _ps.GetService(pb.Path, "c").Pid;
        var r = _ps.Invoke("Get-PerpService -Base $args[0] | Where-Object Status -eq Down | Start-PerpService -PassThru", pb.Path).ThrowOnError();
        var started = r.All<PerpService>();
        Assert.Equal(["a", "b"], started.Select(s => s.Name).ToArray());
        Assert.All(started, s => Assert.Equal(PerpServiceStatus.Up, s.Status));
        Assert.All(started, s => Assert.True(ProcessKiller.IsAlive(s.Pid)));
        // The running one was not touched.
        Assert.Equal(cPid, _ps.GetService(pb.Path, "c").Pid);
    }

    [Fact]
    public void Stop_waits_for_down_and_start_is_idempotent()
    {
        using var pb = new PerpBase(p => p.Sleeper("web"));
        _ps.WaitServiceStatus(pb.Path, "web", PerpServiceStatus.Up);
        int pid = _ps.GetService(pb.Path, "web").Pid;
        var stopped = _ps.Invoke("Stop-PerpService -Base $args[0] web -PassThru", pb.Path).ThrowOnError().Single<PerpService>();
        Assert.Equal(PerpServiceStatus.Down, stopped.Status);
        Assert.True(stopped.WantDown);
        Assert.False(ProcessKiller.IsAlive(pid));
        // Stopping again is success, with no output without -PassThru.
        Assert.Empty(_ps.Invoke("Stop-PerpService -Base $args[0] web", pb.Path).ThrowOnError().Output);
        var up = _ps.Invoke("Start-PerpService -Base $args[0] web -PassThru", pb.Path).ThrowOnError().Single<PerpService>();
        Assert.Equal(PerpServiceStatus.Up, up.Status);
        var again = _ps.Invoke("Start-PerpService -Base $args[0] web -PassThru", pb.Path).ThrowOnError().Single<PerpService>();
        Assert.Equal(up.Pid, again.Pid);
    }

    [Fact]
    public void Restart_replaces_the_process()
    {
        using var pb = new PerpBase(p => p.Sleeper("web"));
        _ps.WaitServiceStatus(pb.Path, "web", PerpServiceStatus.Up);
        int pid = _ps.GetService(pb.Path, "web").Pid;
        var restarted = _ps.Invoke("Get-PerpService -Base $args[0] web | Restart-PerpService -PassThru", pb.Path).ThrowOnError().Single<PerpService>();
        Assert.Equal(PerpServiceStatus.Up, restarted.Status);
        Assert.NotEqual(pid, restarted.Pid);
        Assert.False(restarted.WantDown);
        Assert.False(ProcessKiller.IsAlive(pid));
    }

    [Fact]
    public void Suspend_and_resume_pause_the_process()
    {
        using var pb = new PerpBase(p => p.Sleeper("web"));
        _ps.WaitServiceStatus(pb.Path, "web", PerpServiceStatus.Up);
        var paused = _ps.Invoke("Suspend-PerpService -Base $args[0] web -PassThru", pb.Path).ThrowOnError().Single<PerpService>();
        Assert.Equal(PerpServiceStatus.Paused, paused.Status);
        // SIGSTOP is asynchronous: the kernel marks the process stopped shortly after.
        Wait.Until(() => ProcessState(paused.Pid) == 'T', "the process to be stopped", PerpBase.Patience);
        var resumed = _ps.Invoke("Resume-PerpService -Base $args[0] web -PassThru", pb.Path).ThrowOnError().Single<PerpService>();
        Assert.Equal(PerpServiceStatus.Up, resumed.Status);
        Wait.Until(() => ProcessState(resumed.Pid) != 'T', "the process to run again", PerpBase.Patience);
    }

    [Fact]
    public void Suspending_a_stopped_service_is_an_error_by_id()
    {
        using var pb = new PerpBase(p => p.Sleeper("standby", down: true));
        var r = _ps.Invoke("Suspend-PerpService -Base $args[0] standby", pb.Path);
        Assert.Equal(["PerpServiceNotRunning,PerpPS.Cmdlets.SuspendPerpServiceCommand"], r.ErrorIds);
    }

    [Fact]
    public void WhatIf_changes_nothing()
    {
        using var pb = new PerpBase(p => p.Sleeper("web"));
        _ps.WaitServiceStatus(pb.Path, "web", PerpServiceStatus.Up);
        int pid = _ps.GetService(pb.Path, "web").Pid;
        foreach (string cmd in new[] { "Stop-PerpService", "Restart-PerpService", "Suspend-PerpService", "Disable-PerpService", "Remove-PerpService" })
            _ps.Invoke(cmd + " -Base $args[0] web -WhatIf", pb.Path).ThrowOnError();
        _ps.Invoke("Send-PerpSignal -Base $args[0] web KILL -WhatIf", pb.Path).ThrowOnError();
        var web = _ps.GetService(pb.Path, "web");
        Assert.Equal(PerpServiceStatus.Up, web.Status);
        Assert.Equal(pid, web.Pid);
        Assert.True(web.Enabled);
        Assert.True(Directory.Exists(Path.Combine(pb.Path, "web")));
    }

    [Fact]
    public void Actions_on_a_missing_service_are_not_found_errors_and_go_on_with_the_rest()
    {
        using var pb = new PerpBase(p => p.Sleeper("web", down: true));
        var r = _ps.Invoke("Start-PerpService -Base $args[0] -Name nosuch, web -PassThru", pb.Path);
        Assert.Equal(["PerpServiceNotFound,PerpPS.Cmdlets.StartPerpServiceCommand"], r.ErrorIds);
        Assert.Equal(ErrorCategory.ObjectNotFound, r.Errors[0].CategoryInfo.Category);
        Assert.Equal(PerpServiceStatus.Up, r.Single<PerpService>().Status);
    }

    [Fact]
    public void Starting_an_inactive_service_is_PerpServiceNotActive()
    {
        using var pb = new PerpBase(p => p.Sleeper("idle", active: false));
        var r = _ps.Invoke("Start-PerpService -Base $args[0] idle", pb.Path);
        Assert.Equal(["PerpServiceNotActive,PerpPS.Cmdlets.StartPerpServiceCommand"], r.ErrorIds);
    }

    [Fact]
    public void A_service_that_dies_while_awaited_is_reported_at_once_with_its_exit_code()
    {
        using var pb = new PerpBase(p => p.Temp.AddService("flapper", PerpBase.Script("exit 3"), down: true));
        // The timeout is far: only the event stream's Exited can end this wait with this error.
        var r = _ps.Invoke("Start-PerpService -Base $args[0] flapper -Timeout 120", pb.Path);
        var error = Assert.Single(r.Errors);
        Assert.Equal("PerpServiceExited,PerpPS.Cmdlets.StartPerpServiceCommand", error.FullyQualifiedErrorId);
        Assert.Contains("code 3", error.Exception.Message);
        Assert.Equal("flapper", error.TargetObject.ToString());
    }

    [Fact]
    public void NoWait_returns_before_the_service_is_up()
    {
        using var pb = new PerpBase(p => p.Sleeper("web", down: true));
        var r = _ps.Invoke("Start-PerpService -Base $args[0] web -NoWait -PassThru", pb.Path).ThrowOnError();
        // perpd hides a process younger than half a second: right after the command it is Starting.
        Assert.Equal(PerpServiceStatus.Starting, r.Single<PerpService>().Status);
        _ps.WaitServiceStatus(pb.Path, "web", PerpServiceStatus.Up);
    }

    [Fact]
    public void Set_Once_and_StartupType()
    {
        using var pb = new PerpBase(p => p.Sleeper("web"));
        _ps.WaitServiceStatus(pb.Path, "web", PerpServiceStatus.Up);
        var once = _ps.Invoke("Set-PerpService -Base $args[0] web -Once -PassThru", pb.Path).ThrowOnError().Single<PerpService>();
        Assert.True(once.Once);
        Assert.Equal("[+ +o+ ---]", once.Panel);
        var cleared = _ps.Invoke("Set-PerpService -Base $args[0] web -Once:$false -PassThru", pb.Path).ThrowOnError().Single<PerpService>();
        Assert.False(cleared.Once);
        var manual = _ps.Invoke("Set-PerpService -Base $args[0] web -StartupType Manual -PassThru", pb.Path).ThrowOnError().Single<PerpService>();
        Assert.Equal(PerpStartupType.Manual, manual.StartupType);
        Assert.True(File.Exists(Path.Combine(pb.Path, "web", "flag.down")));
        _ps.Invoke("Set-PerpService -Base $args[0] web -StartupType Once", pb.Path).ThrowOnError();
        Assert.False(File.Exists(Path.Combine(pb.Path, "web", "flag.down")));
        Assert.True(File.Exists(Path.Combine(pb.Path, "web", "flag.once")));
    }

    [Fact]
    public void Send_PerpSignal_reaches_main_and_the_log()
    {
        using var pb = new PerpBase(p =>
        {
            string record = Path.Combine(p.Temp.Scratch, "signals");
            p.Temp.AddService("trapper",
                PerpBase.Script($"trap 'echo HUP >> {record}' HUP\ntrap 'echo USR1 >> {record}' USR1\nwhile :; do sleep 0.1; done"),
                PerpBase.Script("exec cat >/dev/null"));
        });
        _ps.WaitServiceStatus(pb.Path, "trapper", PerpServiceStatus.Up);
        string signals = Path.Combine(pb.Temp.Scratch, "signals");
        _ps.Invoke("Send-PerpSignal -Base $args[0] trapper HUP", pb.Path).ThrowOnError();
        _ps.Invoke("Send-PerpSignal -Base $args[0] -Name trapper -Signal USR1 -ProcessGroup", pb.Path).ThrowOnError();
        Wait.Until(() => File.Exists(signals) && File.ReadAllText(signals).Contains("HUP") && File.ReadAllText(signals).Contains("USR1"), "both signals trapped", PerpBase.Patience);
        int logPid = _ps.GetService(pb.Path, "trapper").Log!.Pid;
        _ps.Invoke("Send-PerpSignal -Base $args[0] trapper KILL -Log", pb.Path).ThrowOnError();
        Wait.Until(() => _ps.GetService(pb.Path, "trapper").Log is { Pid: > 0 } l && l.Pid != logPid, "the log restarted after SIGKILL", PerpBase.Patience);
        Assert.Equal(PerpServiceStatus.Up, _ps.GetService(pb.Path, "trapper").Status);
    }

    [Fact]
    public void Stop_with_IncludeLog_stops_the_logger_too()
    {
        using var pb = new PerpBase(p => p.Sleeper("web", rcLog: PerpBase.Script("exec cat >/dev/null")));
        Wait.Until(() => _ps.GetService(pb.Path, "web") is { Status: PerpServiceStatus.Up, Log.Status: PerpServiceStatus.Up }, "web and log up", PerpBase.Patience);
        var s = _ps.Invoke("Stop-PerpService -Base $args[0] web -IncludeLog -PassThru", pb.Path).ThrowOnError().Single<PerpService>();
        Assert.Equal(PerpServiceStatus.Down, s.Status);
        Assert.Equal(PerpServiceStatus.Down, s.Log!.Status);
        var up = _ps.Invoke("Start-PerpService -Base $args[0] web -IncludeLog -PassThru", pb.Path).ThrowOnError().Single<PerpService>();
        Assert.Equal(PerpServiceStatus.Up, up.Status);
        Assert.Equal(PerpServiceStatus.Up, up.Log!.Status);
    }

    [Fact]
    public void Starting_a_finished_once_service_runs_it_once_more_and_keeps_it_once()
    {
        using var pb = new PerpBase(p =>
        {
            string runs = Path.Combine(p.Temp.Scratch, "runs");
            p.Temp.AddService("oneshot", PerpBase.Script($"echo run >> {runs}\nexit 0"), once: true);
        });
        string runs = Path.Combine(pb.Temp.Scratch, "runs");
        Wait.Until(() => File.Exists(runs) && _ps.GetService(pb.Path, "oneshot").Status == PerpServiceStatus.Down, "the first run to finish", PerpBase.Patience);
        var after = _ps.Invoke("Start-PerpService -Base $args[0] oneshot -Timeout 60 -PassThru", pb.Path).ThrowOnError().Single<PerpService>();
        Assert.True(after.Once);
        Wait.Until(() => File.ReadAllLines(runs).Length == 2, "a second run", PerpBase.Patience);
        Wait.Until(() => _ps.GetService(pb.Path, "oneshot").Status == PerpServiceStatus.Down, "down again after the once run", PerpBase.Patience);
        Assert.Equal(2, File.ReadAllLines(runs).Length);
    }

    [Fact]
    public void A_file_in_the_base_is_not_a_service()
    {
        using var pb = new PerpBase(p => File.WriteAllText(Path.Combine(p.Path, "notes"), "x"));
        var r = _ps.Invoke("Get-PerpService -Base $args[0] notes", pb.Path);
        Assert.Equal(["PerpServiceNotADirectory,PerpPS.Cmdlets.GetPerpServiceCommand"], r.ErrorIds);
        Assert.Empty(_ps.Invoke("Get-PerpService -Base $args[0]", pb.Path).ThrowOnError().Output);
    }

    [Fact]
    public void Many_services_are_commanded_first_and_waited_for_together()
    {
        using var pb = new PerpBase(p => { for (int i = 0; i < 20; i++) p.Sleeper($"s{i:00}"); });
        Wait.Until(() => _ps.Invoke("@(Get-PerpService -Base $args[0] | Where-Object Status -eq Up).Count", pb.Path).Output.Single().BaseObject is 20,
            "all 20 up", TimeSpan.FromSeconds(60));
        var before = _ps.Invoke("Get-PerpService -Base $args[0]", pb.Path).ThrowOnError().All<PerpService>().ToDictionary(s => s.Name, s => s.Pid);
        var after = _ps.Invoke("Get-PerpService -Base $args[0] | Restart-PerpService -PassThru", pb.Path).ThrowOnError().All<PerpService>();
        Assert.Equal(20, after.Count);
        Assert.All(after, s => Assert.Equal(PerpServiceStatus.Up, s.Status));
        Assert.All(after, s => Assert.NotEqual(before[s.Name], s.Pid));
        // No wall-clock assert here (a loaded machine is slow, not wrong): how long restarting
        // many services takes is measured in bench/, not asserted.
    }

    private static char ProcessState(int pid)
    {
        string stat = File.ReadAllText($"/proc/{pid}/stat");
        return stat[stat.LastIndexOf(')') + 2];
    }
}
