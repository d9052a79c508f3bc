namespace PerpPS.Reliability.Tests;

/// <summary>
/// The respawn governor holds a start back at most one second however many `u` arrive
/// (issue #11): each `d`/`u` pair used to push the held-back start one more second out, so
/// 40 pairs in 10 ms brought the service back after 40 s (perp 2.07: 2 s).
/// </summary>
public sealed class GovernorCapTests
{
    [Fact]
    public void Forty_down_up_pairs_during_the_governor_wait_still_start_within_the_second()
    {
        using var tb = new TempBase();
        var id = Perp.Id(tb.AddService("bouncy", Scripts.Forever));
        using var daemon = DaemonProcess.Start(tb.Path);
        Perp.WaitMainUp(tb.Path, id);
        // A pair kills the young main; its restart is then held back by the governor, its
        // child sleeping before the exec (if the main was already older than a second it
        // restarts at once, young: try again).
        Wait.Until(() =>
        {
            Perp.Send(tb.Path, id, 'd');
            Perp.Send(tb.Path, id, 'u');
            for (int i = 0; i < 50; i++)
            {
                var m = Perp.Status(tb.Path, id).Main;
                if (m.IsRunning && !m.IsResetting && ProcFs.IsGovernorSleeper((int)m.Pid, daemon.Pid)) return true;
                if (m.IsRunning && !m.IsResetting && i > 5) return false;
                Thread.Sleep(5);
            }
            return false;
        }, "a restart held back by the governor");
        for (int i = 0; i < 40; i++)
        {
            Perp.Send(tb.Path, id, 'd');
            Perp.Send(tb.Path, id, 'u');
        }
        // A generous bound, five times the promise, far below the 40 s the old governor took.
        Perp.WaitMainUp(tb.Path, id, TimeSpan.FromSeconds(5));
    }
}
