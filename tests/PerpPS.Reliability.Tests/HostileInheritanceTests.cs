using PerpPS.Core.Interop;

namespace PerpPS.Reliability.Tests;

/// <summary>
/// perpd started by a parent that ignores SIGCHLD (a shell, a container runtime) and blocks
/// SIGTERM, SIGHUP and SIGCHLD in the mask it hands down (issue #11). With SIGCHLD ignored
/// the kernel reaps every child by itself: perpd used to take waitid's ECHILD for "not exited
/// yet", so a killed service was never restarted and its level-triggered pidfd spun perpd at
/// 100% CPU; a blocked SIGTERM never stopped it. perpd now resets every inherited ignore and
/// the mask at start.
/// </summary>
public sealed class HostileInheritanceTests
{
    /// <summary>perl sets the hostile state and execs perpd (ignores and the mask survive exec).</summary>
    private static readonly string[] Hostile =
    [
        "/usr/bin/perl", "-e",
        "use POSIX; $SIG{CHLD} = 'IGNORE'; $SIG{TERM} = 'IGNORE'; $SIG{HUP} = 'IGNORE';"
        + " sigprocmask(SIG_BLOCK, POSIX::SigSet->new(SIGTERM, SIGHUP, SIGCHLD, SIGINT)); exec { $ARGV[0] } @ARGV or die;",
    ];

    [Fact]
    public void Inherited_SIGCHLD_ignore_and_blocked_mask_still_restart_services_and_shut_down()
    {
        Assert.True(File.Exists(Hostile[0]), "perl (Debian: perl-base) is needed to start perpd with an inherited SIG_IGN and signal mask");
        using var tb = new TempBase();
        string journal = Path.Combine(tb.Scratch, "journal");
        var id = Perp.Id(tb.AddService("victim", $$"""
            case $1 in
              start) echo "start $$" >> {{journal}}; exec sleep 100000 ;;
              reset) echo "reset $3 $4 $5" >> {{journal}} ;;
            esac
            exit 0
            """));
        using var daemon = DaemonProcess.StartThrough(Hostile, tb.Path);
        uint first = Perp.WaitMainUp(tb.Path, id);

        Libc.Kill((int)first, 9);
        // The reset learns how main really ended (the status was not lost to the kernel) ...
        Wait.Until(() => File.Exists(journal) && File.ReadAllText(journal).Contains("reset signal 9 SIGKILL"),
            "the reset to report SIGKILL\n" + string.Join('\n', daemon.Lines));
        // ... and main comes back.
        uint second = Perp.WaitMainUp(tb.Path, id);
        Assert.NotEqual(first, second);

        Libc.Kill(daemon.DaemonPid, 15);
        Assert.Equal(0, daemon.WaitForExit(TimeSpan.FromSeconds(20)));
        Assert.False(ProcessKiller.IsAlive((int)second), "main outlived perpd's shutdown");
    }
}
