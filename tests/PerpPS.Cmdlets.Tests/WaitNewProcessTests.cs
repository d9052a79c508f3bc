using PerpPS.TestSupport;

namespace PerpPS.Cmdlets.Tests;

/// <summary>
/// Wait-PerpService -NewProcess waits past the process the service has: that process ending
/// during the wait is what the caller expects, not a PerpServiceExited failure; a new run
/// that ends still is one.
/// </summary>
public class WaitNewProcessTests(SessionFixture fixture) : IClassFixture<SessionFixture>
{
    private readonly PowerShellSession _ps = fixture.Session;

    [Fact]
    public void The_old_process_ending_during_the_wait_is_not_a_failure()
    {
        // On SIGTERM it takes a second to go: the wait surely begins before it has ended.
        using var pb = new PerpBase(p => p.Temp.AddService("slowstop",
            PerpBase.Script("trap 'sleep 1; exit 1' TERM\nwhile :; do sleep 0.1; done")));
        _ps.WaitServiceStatus(pb.Path, "slowstop", PerpServiceStatus.Up);
        var before = _ps.GetService(pb.Path, "slowstop");
        _ps.Invoke("Send-PerpSignal -Base $args[0] slowstop TERM", pb.Path).ThrowOnError();
        var after = _ps.Invoke("Wait-PerpService -Base $args[0] slowstop -NewProcess -Timeout 60 -PassThru", pb.Path)
            .ThrowOnError().Single<PerpService>();
        Assert.NotEqual(before.Pid, after.Pid);
        Assert.Equal(PerpServiceStatus.Up, after.Status);
        Assert.Equal(1, after.LastExitCode);
    }

    [Fact]
    public void A_piped_object_is_waited_past_even_when_perpd_restarted_the_service_before_the_wait()
    {
        using var pb = new PerpBase(p => p.Sleeper("web"));
        _ps.WaitServiceStatus(pb.Path, "web", PerpServiceStatus.Up);
        var r = _ps.Invoke("$b = Get-PerpService -Base $args[0] web; Send-PerpSignal -Base $args[0] web KILL; $b", pb.Path).ThrowOnError();
        var before = r.Single<PerpService>();
        // perpd restarts it at once (it ran for more than a second): the new one is Up already.
        Wait.Until(() => _ps.GetService(pb.Path, "web") is { Status: PerpServiceStatus.Up } s && s.Pid != before.Pid, "web restarted", PerpBase.Patience);
        var after = _ps.Invoke("$args[0] | Wait-PerpService -NewProcess -Timeout 60 -PassThru", r.Output[0]).ThrowOnError().Single<PerpService>();
        Assert.NotEqual(before.Pid, after.Pid);
    }
}
