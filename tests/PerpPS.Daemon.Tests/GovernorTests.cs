using System.Globalization;
using PerpPS.Core.Interop;
using PerpPS.Core.Protocol;

namespace PerpPS.Daemon.Tests;

/// <summary>The one-second respawn governor (spec §3.6, edge cases 7, 8, 10, 11).</summary>
public sealed class GovernorTests
{
    [Fact]
    public void Starts_of_a_failing_service_are_at_least_one_second_apart()
    {
        using var b = new TempBase();
        string journal = Path.Combine(b.Scratch, "journal");
        b.AddService("flapper", Scripts.Journal(journal, "exit 3"));
        using var d = DaemonProcess.Start(b.Path);
        // The governor spaces the runs of the program: a held start's child sleeps until its
        // instant (clock_nanosleep, absolute) and then execs, so what is spaced is the exec, as
        // in perp; perpd's Started event marks the sleeper's spawn instead. The gaps are read
        // from the runscript's own timestamps of its starts (taken just after the exec; a
        // late timestamp of one start can shorten the next gap by its lateness, hence 0.9).
        Wait.Until(() => StartTimes(journal).Length >= 4, "four starts", TimeSpan.FromSeconds(60));
        var times = StartTimes(journal);
        foreach (double gap in times.Zip(times.Skip(1), (a, c) => c - a))
        {
            Assert.True(gap >= 0.9, $"starts {gap:F3}s apart");
            Assert.True(gap < 5, $"starts {gap:F3}s apart (the governor waits about one second)");
        }
        // The reset follows each start at once and reports perp's runtime (the wait included).
        var resets = Perp.Lines(journal).Where(l => l.StartsWith("reset flapper exit 3 ")).ToArray();
        Assert.NotEmpty(resets);
        Assert.Contains(resets.Skip(1), r => r.Contains("svsecs=1 "));
        d.WaitForLine("warning: perpd[" + d.Pid + "]: setting respawn governor on 'start' target of service flapper for ./rc.main");
        // While it waits, perpd shows the pid of the start's child, which sleeps the hold-back
        // before its exec (a copy of perpd in ps), as perp's.
        Perp.WaitStatus(b.Path, "flapper", s => s.Main.IsRunning && !s.Main.IsResetting && ProcFs.IsGovernorSleeper((int)s.Main.Pid, d.Pid),
            "flapper's start sleeping the governor's hold-back in its child");
    }

    [Fact]
    public void A_held_back_start_shows_its_own_pid_at_once_and_execs_with_it()
    {
        using var b = new TempBase();
        string journal = Path.Combine(b.Scratch, "journal");
        b.AddService("flapper", Scripts.Journal(journal, "exit 3"));
        using var d = DaemonProcess.Start(b.Path);
        // The pid status shows during the hold-back is the start's: the same process execs
        // rc.main, with PERP_SVPID its own pid and perp's argv, in the service's session.
        var held = Perp.WaitStatus(b.Path, "flapper", s => s.Main.IsRunning && !s.Main.IsResetting && ProcFs.IsGovernorSleeper((int)s.Main.Pid, d.Pid),
            "flapper's start sleeping the governor's hold-back").Main;
        Assert.Equal((int)held.Pid, ProcFs.ProcessGroup((int)held.Pid));
        Perp.WaitLines(journal, l => l.StartsWith($"start flapper svpid={held.Pid} "));
        Perp.WaitLines(journal, l => l.StartsWith($"reset flapper exit 3 svpid={held.Pid} "));
    }

    [Fact]
    public void Down_during_the_hold_back_ends_the_sleeper_runs_its_reset_and_leaves_it_down()
    {
        using var b = new TempBase();
        string journal = Path.Combine(b.Scratch, "journal");
        b.AddService("flapper", Scripts.Journal(journal, "exit 3"));
        using var d = DaemonProcess.Start(b.Path);
        // Caught asleep and held there (SIGSTOP), so the d cannot come after its exec on a
        // loaded machine; d's SIGTERM and SIGCONT then end it before it runs a line of its own.
        SubserviceStatus held = default;
        Wait.Until(() =>
        {
            held = Perp.WaitStatus(b.Path, "flapper", s => s.Main.IsRunning && !s.Main.IsResetting && ProcFs.IsGovernorSleeper((int)s.Main.Pid, d.Pid),
                "flapper's start sleeping the governor's hold-back").Main;
            Libc.Kill((int)held.Pid, 19);
            if (ProcFs.IsGovernorSleeper((int)held.Pid, d.Pid)) return true;
            Libc.Kill((int)held.Pid, 18);
            return false;
        }, "flapper's sleeper stopped before its exec");
        Assert.Equal(0, Perp.Command(b.Path, "flapper", 'd'));
        // Stopped as any start (SIGTERM): its reset runs as perp's, with the sleeper's pid.
        Perp.WaitLines(journal, l => l.StartsWith($"reset flapper signal 15 SIGTERM svpid={held.Pid} "));
        Perp.WaitStatus(b.Path, "flapper", s => !s.Main.IsRunning && s.Main.WantsDown, "flapper down");
        Assert.DoesNotContain(Perp.Lines(journal), l => l.StartsWith($"start flapper svpid={held.Pid} "));
        Assert.False(ProcessKiller.IsAlive((int)held.Pid));
    }

    [Fact]
    public void Missing_runscript_logs_perps_execve_error_and_cycles_at_one_hertz()
    {
        using var b = new TempBase();
        string dir = b.AddService("nomain", "exit 0");
        File.Delete(Path.Combine(dir, "rc.main"));
        using var d = DaemonProcess.Start(b.Path);
        d.WaitForLine($"error: perpd[{d.Pid}]: fatal: (in child for service nomain):  failure execve(): file does not exist (ENOENT)");
        d.WaitForLine("setting respawn governor on 'start' target of service nomain for ./rc.main");
        // Still cycling, not storming: by perpd's clock, exec failures at least a second apart.
        using (var events = EventRecorder.Open(b.Path))
        {
            var failures = events.WaitForCount(e => e.Kind == EventKind.ExecFailed, 3, "three more exec failures", TimeSpan.FromSeconds(60));
            Assert.All(EventRecorder.Gaps(failures), gap => Assert.True(gap >= 0.95, $"exec failures {gap:F3}s apart: a storm"));
        }

        // Fixing rc.main takes effect at the next start, without a rescan.
        TempBase.WriteScript(Path.Combine(dir, "rc.main"), Scripts.Forever);
        Perp.WaitMainUp(b.Path, "nomain");
    }

    [Fact]
    public void Non_executable_runscript_reports_EACCES()
    {
        using var b = new TempBase();
        string dir = b.AddService("noexec", "exit 0");
        File.SetUnixFileMode(Path.Combine(dir, "rc.main"), UnixFileMode.UserRead | UnixFileMode.UserWrite);
        using var d = DaemonProcess.Start(b.Path);
        d.WaitForLine("(in child for service noexec):  failure execve(): access denied (EACCES)");
    }

    /// <summary>The t= of each "start" line of a <see cref="Scripts.Journal"/> file, in order.</summary>
    private static double[] StartTimes(string journal) =>
        Perp.Lines(journal).Where(l => l.StartsWith("start ", StringComparison.Ordinal))
            .Select(l => double.Parse(l[(l.LastIndexOf("t=", StringComparison.Ordinal) + 2)..], CultureInfo.InvariantCulture)).ToArray();
}
