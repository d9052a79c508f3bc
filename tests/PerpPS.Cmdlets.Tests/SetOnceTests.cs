using PerpPS.TestSupport;

namespace PerpPS.Cmdlets.Tests;

/// <summary>
/// Set-PerpService -Once / -Once:$false on stopped services (issue #12 item 4): the flag
/// changes, the service is not started, and the next Start-PerpService follows the new flag.
/// </summary>
public class SetOnceTests(SessionFixture fixture) : IClassFixture<SessionFixture>
{
    private readonly PowerShellSession _ps = fixture.Session;

    [Fact]
    public void Once_false_clears_the_flag_of_a_finished_once_service_and_Start_then_keeps_it_up()
    {
        using var pb = new PerpBase(p =>
        {
            string runs = Path.Combine(p.Temp.Scratch, "runs");
            // The first run ends at once (a once run done); later runs stay up.
            p.Temp.AddService("job", PerpBase.Script($"echo run >> {runs}\n[ $(wc -l < {runs}) -ge 2 ] && exec sleep 1000\nexit 0"), once: true);
        });
        string runs = Path.Combine(pb.Temp.Scratch, "runs");
        Wait.Until(() => File.Exists(runs) && _ps.GetService(pb.Path, "job") is { Status: PerpServiceStatus.Down, Once: true }, "the once run to finish", PerpBase.Patience);

        var cleared = _ps.Invoke("Set-PerpService -Base $args[0] job -Once:$false -PassThru", pb.Path).ThrowOnError().Single<PerpService>();
        Assert.False(cleared.Once);
        Assert.Equal(PerpServiceStatus.Down, cleared.Status);
        Assert.Equal(0, cleared.Pid);
        Assert.Single(File.ReadAllLines(runs));

        // Start-PerpService sends u now (not o): the service is restarted after a kill.
        var up = _ps.Invoke("Start-PerpService -Base $args[0] job -PassThru", pb.Path).ThrowOnError().Single<PerpService>();
        Assert.False(up.Once);
        // The object from before the kill is piped: perpd's restart (its sleeper shows the new
        // pid at once) may come before a fresh read, which would then be the process to wait past.
        _ps.Invoke("$s = Get-PerpService -Base $args[0] job; Send-PerpSignal -Base $args[0] job KILL; $s | Wait-PerpService -NewProcess -Timeout 60", pb.Path).ThrowOnError();
        Assert.Equal(3, File.ReadAllLines(runs).Length);
    }

    [Fact]
    public void Once_on_a_stopped_service_sets_the_flag_without_starting_it()
    {
        using var pb = new PerpBase(p =>
        {
            string runs = Path.Combine(p.Temp.Scratch, "runs");
            p.Temp.AddService("standby", PerpBase.Script($"echo run >> {runs}\nexit 0"), down: true);
        });
        string runs = Path.Combine(pb.Temp.Scratch, "runs");
        _ps.WaitServiceStatus(pb.Path, "standby", PerpServiceStatus.Down);
        var flagged = _ps.Invoke("Set-PerpService -Base $args[0] standby -Once -PassThru", pb.Path).ThrowOnError().Single<PerpService>();
        Assert.True(flagged.Once);
        Assert.Equal(PerpServiceStatus.Down, flagged.Status);
        Assert.False(File.Exists(runs));
        // A once service that exits 0 is a success for Start-PerpService; it then stays down.
        _ps.Invoke("Start-PerpService -Base $args[0] standby", pb.Path).ThrowOnError();
        Wait.Until(() => File.Exists(runs) && _ps.GetService(pb.Path, "standby") is { Status: PerpServiceStatus.Down, Once: true },
            "one run, then down", PerpBase.Patience);
        Assert.Single(File.ReadAllLines(runs));
    }
}
