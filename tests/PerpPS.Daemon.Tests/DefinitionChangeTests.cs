namespace PerpPS.Daemon.Tests;

/// <summary>Opt-in restart on a changed definition (file restart-on-change), at a rescan.</summary>
public sealed class DefinitionChangeTests
{
    [Fact]
    public void A_changed_rc_main_restarts_the_service_at_rescan_only_with_restart_on_change()
    {
        using var b = new TempBase();
        string journal = Path.Combine(b.Scratch, "journal");
        string opted = b.AddService("opted", Scripts.Sleeper(journal));
        File.WriteAllText(Path.Combine(opted, "restart-on-change"), "");
        string plain = b.AddService("plain", Scripts.Sleeper(journal));
        using var d = DaemonProcess.Start(b.Path);
        int optedPid = Perp.WaitMainUp(b.Path, "opted");
        int plainPid = Perp.WaitMainUp(b.Path, "plain");

        foreach (string dir in new[] { opted, plain })
            TempBase.WriteScript(Path.Combine(dir, "rc.main"), "# changed\n" + Scripts.Sleeper(journal));
        File.WriteAllText(Path.Combine(plain, "timeout-kill"), "5000\n");
        ToolRunner.Run("/bin/kill", "-HUP", d.Pid.ToString());
        d.WaitForLine($"perpd[{d.Pid}]: definition of service opted changed: restarting main");
        Perp.WaitLines(journal, l => l.StartsWith("reset opted signal 15 SIGTERM svpid=" + optedPid + " "));
        Perp.WaitStatus(b.Path, "opted", s => s.Main.IsRunning && !s.Main.IsResetting && s.Main.Pid != optedPid, "opted restarted");
        Assert.Equal(plainPid, (int)Perp.Status(b.Path, "plain").Main.Pid);
        Assert.DoesNotContain(d.Lines, l => l.Contains("definition of service plain"));
    }
}
