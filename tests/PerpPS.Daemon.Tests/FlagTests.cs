using PerpPS.Core.Protocol;

namespace PerpPS.Daemon.Tests;

/// <summary>flag.down and flag.once, read at activation (spec §1.3, §4.4).</summary>
public sealed class FlagTests
{
    [Fact]
    public void Flag_down_service_is_not_started_until_up()
    {
        using var b = new TempBase();
        string journal = Path.Combine(b.Scratch, "journal");
        b.AddService("standby", Scripts.Sleeper(journal), rcLog: "exec cat > /dev/null", down: true);
        using var d = DaemonProcess.Start(b.Path);
        d.WaitForLine("activated new service: standby");
        // The log runs regardless of flags; main is down and wants down, never started.
        Perp.WaitLogUp(b.Path, "standby");
        var s = Perp.Status(b.Path, "standby");
        Assert.Equal(0u, s.Main.Pid);
        Assert.True(s.Main.WantsDown);
        Assert.True(s.When0());
        Assert.Equal(ServiceFlags.Active | ServiceFlags.HasLog | ServiceFlags.Down, s.Flags);
        Assert.False(File.Exists(journal));

        Assert.Equal(0, Perp.Command(b.Path, "standby", 'u'));
        Perp.WaitMainUp(b.Path, "standby");
        Perp.WaitLines(journal, l => l.StartsWith("start standby"));
    }

    [Fact]
    public void Flag_once_service_runs_once_then_stays_down()
    {
        using var b = new TempBase();
        string journal = Path.Combine(b.Scratch, "journal");
        b.AddService("oneshot", Scripts.Journal(journal, "exit 0"), once: true);
        // A sentinel activated in the same scan that exits at once: the governor restarts it a
        // second after each start, so its third start comes two seconds in, past the moment a
        // wrongly restarted once service would have started again.
        string sentinel = Path.Combine(b.Scratch, "sentinel");
        b.AddService("sentinel", Scripts.Journal(sentinel, "exit 0"));
        using var d = DaemonProcess.Start(b.Path);
        Perp.WaitLines(journal, l => l.StartsWith("reset oneshot exit 0"));
        var s = Perp.WaitStatus(b.Path, "oneshot", st => !st.Main.IsRunning, "reset done");
        Assert.True(s.Main.WantsDown);
        Assert.True(s.Main.IsOnce);
        Assert.Equal(ServiceFlags.Active | ServiceFlags.Once, s.Flags);
        // Past the governor's second nothing starts again.
        Perp.WaitLines(sentinel, l => l.StartsWith("start "), 3);
        Assert.Single(Perp.Lines(journal), l => l.StartsWith("start "));

        // 'o' runs it once more.
        Assert.Equal(0, Perp.Command(b.Path, "oneshot", 'o'));
        Perp.WaitLines(journal, l => l.StartsWith("reset oneshot exit 0"), 2);
    }

    [Fact]
    public void Flag_down_wins_over_flag_once()
    {
        using var b = new TempBase();
        b.AddService("both", Scripts.Forever, down: true, once: true);
        using var d = DaemonProcess.Start(b.Path);
        d.WaitForLine("activated new service: both");
        var s = Perp.Status(b.Path, "both");
        Assert.Equal(ServiceFlags.Active | ServiceFlags.Down, s.Flags);
        Assert.False(s.Main.IsOnce);
    }

    [Fact]
    public void Non_executable_rc_log_is_warned_and_ignored()
    {
        using var b = new TempBase();
        string dir = b.AddService("noexeclog", Scripts.Forever, rcLog: "exec cat");
        File.SetUnixFileMode(Path.Combine(dir, "rc.log"), UnixFileMode.UserRead | UnixFileMode.UserWrite);
        using var d = DaemonProcess.Start(b.Path);
        d.WaitForLine($"warning: perpd[{d.Pid}]: rc.log exists but is not set executable for noexeclog");
        Perp.WaitMainUp(b.Path, "noexeclog");
        Assert.False(Perp.Status(b.Path, "noexeclog").HasLog);
    }
}

internal static class StatusExtensions
{
    /// <summary>True when main's <c>when</c> was never set (edge case 12: zero tain).</summary>
    public static bool When0(this StatusRecord s) => s.Main.When.IsZero;
}
