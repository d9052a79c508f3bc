namespace PerpPS.Tools.Tests;

/// <summary>
/// The panels and reports of a service in its reset, in deactivation and in reactivation
/// (spec §16.5, §16.6), against the real perpd. rc.main's reset takes a few seconds so
/// those states last long enough to be seen.
/// </summary>
public class TransitionsEndToEndTests
{
    private const string SlowReset = "[ \"$1\" = start ] && exec sleep 100000\nexec sleep 4\n";

    [Fact]
    public void Reset_in_progress_shows_r_and_filters_commands()
    {
        using var perp = Perp.Create(b => b.AddService("slowreset", SlowReset)).Start();
        perp.WaitLs("slowreset", @"^\[\+ \+\+\+ ---\]  slowreset  uptime: [1-9]");
        Assert.Equal(0, perp.Run("perpctl", "t", "slowreset").ExitCode);
        string resetting = perp.WaitLs("slowreset", @"^\[\+ \+\+r ---\]  slowreset  uptime: \d+s/-s  pids: \d+/-$");
        int resetPid = Perp.MainPid(resetting);
        Assert.Matches(@$"^  main: resetting \d+ seconds \(pid {resetPid}\)$", perp.Run("perpstat", "slowreset").Stdout.Split('\n')[1]);
        var ok = perp.Run("perpok", "-v", "-u1", "slowreset");
        Assert.Equal((1, "perpok: slowreset: fail: service is resetting\n"), (ok.ExitCode, ok.Stderr));

        // p is ignored during a reset; d marks it wanting down.
        Assert.Equal(0, perp.Run("perpctl", "p", "slowreset").ExitCode);
        Assert.Equal(0, perp.Run("perpctl", "d", "slowreset").ExitCode);
        string wantDown = perp.WaitLs("slowreset", @"^\[\+ !\+r ---\]  slowreset  uptime: \d+s/-s  pids: \d+/-$");
        Assert.Equal(resetPid, Perp.MainPid(wantDown));
        Assert.NotEqual('T', ProcFs.State(resetPid));

        // Killing the reset ends it; wanting down, the service stays down.
        Assert.Equal(0, perp.Run("perpctl", "k", "slowreset").ExitCode);
        perp.WaitLs("slowreset", @"^\[\+ \.\.\. ---\]  slowreset  uptime: -s/-s  pids: -/-$");
    }

    [Fact]
    public void Reactivation_while_deactivation_is_in_progress()
    {
        using var perp = Perp.Create(b => b.AddService("slow2", SlowReset)).Start();
        int main = Perp.MainPid(perp.WaitLs("slow2", @"^\[\+ \+\+\+ ---\]  slow2  uptime: [1-9]"));
        var x = perp.Run("perpctl", "X", "slow2");
        Assert.Equal((0, "slow2: set for deactivation\nrescan triggered for deactivation set on 1 service\n"), (x.ExitCode, x.Stderr));
        // Not sticky any more: perpls does not ask, perpctl refuses before asking perpd.
        Assert.Equal("[- --- ---]  slow2  (service not activated)", perp.Ls("slow2"));
        var refused = perp.Run("perpctl", "u", "slow2");
        Assert.Equal((111, "error: slow2: service directory not activated\n"), (refused.ExitCode, refused.Stderr));
        // The deactivation has begun once main is gone (its 4-second reset now runs).
        Wait.Until(() => ProcFs.State(main) is null or 'Z', "main stopped by the deactivation");

        Assert.Equal(0, perp.Run("perpctl", "A", "slow2").ExitCode);
        perp.WaitLs("slow2", @"^\[R !\+r ---\]  slow2  \(service reactivation in progress\)$");
        Assert.Matches(@"^slow2: activated \d+ seconds, deactivation in progress, flagged for reactivation\n  main: resetting \d+ seconds \(pid \d+\)\n",
            perp.Run("perpstat", "slow2").Stdout);
        var busy = perp.Run("perpctl", "u", "slow2");
        Assert.Equal((111, "error: slow2: error reported in reply: device busy (EBUSY)\n"), (busy.ExitCode, busy.Stderr));

        // Once the reset is over it comes back as a fresh activation.
        perp.WaitLs("slow2", @"^\[\+ \+\+\+ ---\]  slow2  uptime: [1-9]\d*s/-s  pids: \d+/-$");
    }
}
