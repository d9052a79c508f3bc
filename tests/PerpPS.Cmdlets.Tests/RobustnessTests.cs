using System.Management.Automation;
using System.Management.Automation.Runspaces;

namespace PerpPS.Cmdlets.Tests;

/// <summary>What users do not see until it goes wrong: no daemon, Ctrl-C, perpd closing an idle connection.</summary>
public class RobustnessTests(SessionFixture fixture) : IClassFixture<SessionFixture>
{
    private readonly PowerShellSession _ps = fixture.Session;

    [Theory]
    [InlineData("Start-PerpService", "StartPerpServiceCommand")]
    [InlineData("Stop-PerpService", "StopPerpServiceCommand")]
    [InlineData("Wait-PerpService", "WaitPerpServiceCommand")]
    [InlineData("Test-PerpService", "TestPerpServiceCommand")]
    public void Actions_without_perpd_stop_with_PerpDaemonNotRunning(string cmdlet, string type)
    {
        using var pb = new PerpBase(p => { p.Sleeper("a"); p.Sleeper("b"); }, startDaemon: false);
        var r = _ps.Invoke($"try {{ {cmdlet} -Base $args[0] -Name a, b; 'continued' }} catch {{ $_ }}", pb.Path);
        var error = (ErrorRecord)Assert.Single(r.Output).BaseObject;
        Assert.Equal($"PerpDaemonNotRunning,PerpPS.Cmdlets.{type}", error.FullyQualifiedErrorId);
    }

    [Fact]
    public void Stopping_the_pipeline_ends_a_wait_at_once()
    {
        using var pb = new PerpBase(p => p.Sleeper("standby", down: true));
        using var runspace = RunspaceFactory.CreateRunspace(InitialSessionState.CreateDefault2());
        runspace.Open();
        using var ps = PowerShell.Create();
        ps.Runspace = runspace;
        ps.AddScript("Import-Module $args[0]; Wait-PerpService -Base $args[1] standby -Status Up").AddArgument(PowerShellSession.ManifestPath).AddArgument(pb.Path);
        var progress = new List<ProgressRecord>();
        ps.Streams.Progress.DataAdded += (_, e) => { lock (progress) progress.Add(ps.Streams.Progress[e.Index]); };
        var async = ps.BeginInvoke();
        // Progress shows that the wait is under way (after its first half second).
        Wait.Until(() => { lock (progress) return progress.Any(p => p.Activity.Contains("standby")); }, "a progress record", PerpBase.Patience);
        ps.Stop();
        Assert.True(async.AsyncWaitHandle.WaitOne(TimeSpan.FromSeconds(10)));
        Assert.Equal(PSInvocationState.Stopped, ps.InvocationStateInfo.State);
    }

    [Fact]
    public async Task A_connection_perpd_closed_as_stale_is_reopened()
    {
        using var pb = new PerpBase(p => { p.Sleeper("a"); p.Sleeper("b"); });
        using var staleClosed = new ManualResetEventSlim();
        // perpd drops a client idle for 8 s: the second name arrives after that.
        var watcher = Task.Run(() => { pb.Daemon!.WaitForLine("closing stale client connection", TimeSpan.FromSeconds(30)); staleClosed.Set(); });
        var r = _ps.Invoke("& { param($closed) 'a'; [void]$closed.Wait(30000); 'b' } $args[1] | Get-PerpService -Base $args[0]", pb.Path, staleClosed)
            .ThrowOnError();
        Assert.True(staleClosed.IsSet);
        Assert.Equal(["a", "b"], r.All<PerpService>().Select(s => s.Name).ToArray());
        Assert.All(r.All<PerpService>(), s => Assert.Equal(pb.Daemon!.Pid, s.DaemonPid));
        await watcher;
    }
}
