using PerpPS.Core.Client;

namespace PerpPS.Cmdlets.Tests;

/// <summary>
/// The module against a perpd without the protocol extension (the real perpd as long as it
/// answers X/L/W with EPROTO, as perp 2.07's does): extended fields are $null, waits poll,
/// Watch-PerpService is a clear terminating error.
/// </summary>
public class EventFallbackTests(SessionFixture fixture) : IClassFixture<SessionFixture>
{
    private readonly PowerShellSession _ps = fixture.Session;

    private static bool DaemonHasExtension(string b)
    {
        using var sub = EventSubscription.Open(b);
        return sub != null;
    }

    [Fact]
    public void Without_the_extension_the_exit_fields_are_null_and_Watch_is_refused_by_id()
    {
        using var pb = new PerpBase(p => p.Sleeper("web"));
        if (DaemonHasExtension(pb.Path)) return; // covered by the extension tests instead
        _ps.WaitServiceStatus(pb.Path, "web", PerpServiceStatus.Up);
        var s = _ps.GetService(pb.Path, "web");
        Assert.Null(s.LastExitCode);
        Assert.Null(s.LastSignal);
        Assert.Null(s.LastExitTime);
        Assert.Null(s.Restarts);
        Assert.Null(s.StartFailures);
        var r = _ps.Invoke("Watch-PerpService -Base $args[0] -Timeout 1", pb.Path);
        // A terminating error of a cmdlet in a script: statement-terminating, so it lands in the error stream.
        string id = r.Terminating?.ErrorRecord.FullyQualifiedErrorId ?? Assert.Single(r.Errors).FullyQualifiedErrorId;
        Assert.Equal("PerpEventsNotSupported,PerpPS.Cmdlets.WatchPerpServiceCommand", id);
        // Waits still work by polling.
        var stopped = _ps.Invoke("Stop-PerpService -Base $args[0] web -PassThru", pb.Path).ThrowOnError().Single<PerpService>();
        Assert.Equal(PerpServiceStatus.Down, stopped.Status);
    }
}
