using PerpPS.Core.Posix;

namespace PerpPS.Daemon.Tests;

/// <summary>
/// PAUSED belongs to the process that was stopped: a start of a new process clears it, as
/// perp 2.07 does (`perpctl p; d; u` shows [+ +++ ---], not paused).
/// </summary>
public sealed class PausedRestartTests
{
    [Fact]
    public void Pause_down_up_starts_a_process_that_is_not_paused()
    {
        using var b = new TempBase();
        b.AddService("svc", Scripts.Forever);
        using var d = DaemonProcess.Start(b.Path);
        int pid = Perp.WaitMainUp(b.Path, "svc");
        Perp.Pause(b.Path, "svc", pid);
        Assert.Equal(0, Perp.Command(b.Path, "svc", 'd'));
        Perp.WaitStatus(b.Path, "svc", st => !st.Main.IsRunning, "down");
        Assert.Equal(0, Perp.Command(b.Path, "svc", 'u'));
        int fresh = Perp.WaitMainUp(b.Path, "svc");
        Assert.NotEqual(pid, fresh);
        Assert.False(Perp.Status(b.Path, "svc").Main.IsPaused);
        Assert.NotEqual('T', ProcFs.State(fresh));
    }

    [Fact]
    public void Pause_then_kill_restarts_a_process_that_is_not_paused()
    {
        using var b = new TempBase();
        b.AddService("svc", Scripts.Forever);
        using var d = DaemonProcess.Start(b.Path);
        int pid = Perp.WaitMainUp(b.Path, "svc");
        Perp.Pause(b.Path, "svc", pid);
        Assert.Equal(0, Perp.Command(b.Path, "svc", 'k'));
        var s = Perp.WaitStatus(b.Path, "svc", st => st.Main.Pid != 0 && st.Main.Pid != pid && !st.Main.IsResetting, "restarted");
        Assert.False(s.Main.IsPaused);
    }
}
