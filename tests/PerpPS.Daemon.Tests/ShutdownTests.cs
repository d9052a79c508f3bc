namespace PerpPS.Daemon.Tests;

/// <summary>Termination on SIGTERM/SIGINT (spec §2.5) and the stop timeout PerpPS adds.</summary>
public sealed class ShutdownTests
{
    [Theory]
    [InlineData(15)]
    [InlineData(2)]
    public void Termination_stops_every_service_runs_resets_and_leaves_nothing_behind(int signal)
    {
        using var b = new TempBase();
        string journal = Path.Combine(b.Scratch, "journal");
        string pids = Path.Combine(b.Scratch, "pids");
        // Every process here is perpd's to stop: each main and log execs its long-running
        // program, so nothing outlives its runscript unless perpd fails to stop it.
        for (int i = 0; i < 5; i++)
            b.AddService("svc" + i, $$"""
                echo "$1 $2" >> {{journal}}
                case $1 in start) echo $$ >> {{pids}}; exec sleep 100000 ;; esac
                exit 0
                """, rcLog: i % 2 == 0 ? $$"""case $1 in start) echo $$ >> {{pids}}; exec cat > /dev/null ;; esac""" : null);
        b.AddService("down", Scripts.Forever, down: true);
        using var d = DaemonProcess.Start(b.Path);
        Perp.WaitLines(pids, _ => true, 5 + 3);
        var all = Perp.Lines(pids).Select(int.Parse).ToArray();
        Assert.All(all, pid => Assert.True(ProcessKiller.IsAlive(pid)));

        Assert.Equal(0, PerpPS.Core.Interop.Libc.Kill(d.Pid, signal));
        Assert.Equal(0, d.WaitForExit(TimeSpan.FromSeconds(30)));
        // Nothing of this base is left once perpd has exited (pids may be reused, so look for
        // our PERP_BASE): perpd reaps every main, log and reset before "termination complete".
        Assert.Empty(ProcFs.ProcessesOfBase(b.Path));
        Assert.All(all, pid => Assert.False(ProcessKiller.IsAlive(pid), $"service process {pid} outlived perpd"));
        var lines = d.Lines;
        Assert.Contains($"perpd[{d.Pid}]: initiating termination...", lines);
        Assert.Equal($"perpd[{d.Pid}]: termination complete", lines[^1]);
        for (int i = 0; i < 5; i++) Assert.Contains($"perpd[{d.Pid}]: deactivating service svc{i}", lines);
        Assert.Contains($"perpd[{d.Pid}]: deactivating service down", lines);
        // Every main's reset ran.
        for (int i = 0; i < 5; i++) Assert.Contains($"reset svc{i}", Perp.Lines(journal));
        // Runtime files stay, as perp leaves them; the socket now refuses.
        Assert.True(File.Exists(Path.Combine(b.Path, ".control", "perpd.pid")));
        Assert.False(d.IsAnswering());
        Assert.Equal(0, PerpPS.Core.Client.LockProbe.HolderPid(PerpPS.Core.Client.PerpPaths.PidFile(b.Path)));
    }

    [Fact]
    public void Service_ignoring_TERM_is_killed_after_the_stop_timeout()
    {
        using var b = new TempBase();
        string journal = Path.Combine(b.Scratch, "journal");
        b.AddService("stubborn", $$"""
            case $1 in
              start) trap "" TERM; echo $$ > {{journal}}; while :; do sleep 0.1; done ;;
              reset) echo "reset $*" >> {{journal}} ;;
            esac
            """);
        using var d = DaemonProcess.Start(b.Path, ["-k", "1"]);
        int pid = Perp.WaitMainUp(b.Path, "stubborn");
        Perp.WaitLines(journal, _ => true);
        var sw = System.Diagnostics.Stopwatch.StartNew();
        PerpPS.Core.Interop.Libc.Kill(d.Pid, 15);
        Assert.Equal(0, d.WaitForExit(TimeSpan.FromSeconds(20)));
        Assert.True(sw.Elapsed.TotalSeconds >= 0.9, $"killed after {sw.Elapsed.TotalSeconds:F2}s, before the timeout");
        Assert.Contains($"warning: perpd[{d.Pid}]: stop timeout: sending signal SIGKILL to service stubborn (main)", d.Lines);
        Assert.Contains("reset reset stubborn signal 9 SIGKILL", Perp.Lines(journal));
        Assert.False(ProcessKiller.IsAlive(pid));
    }

    [Fact]
    public void Further_signals_during_termination_are_ignored()
    {
        using var b = new TempBase();
        b.AddService("slowstop", """
            case $1 in start) trap "sleep 1; exit 0" TERM; while :; do sleep 0.1; done ;; esac
            """);
        using var d = DaemonProcess.Start(b.Path);
        Perp.WaitMainUp(b.Path, "slowstop");
        PerpPS.Core.Interop.Libc.Kill(d.Pid, 15);
        d.WaitForLine("initiating termination...");
        PerpPS.Core.Interop.Libc.Kill(d.Pid, 1);
        PerpPS.Core.Interop.Libc.Kill(d.Pid, 15);
        PerpPS.Core.Interop.Libc.Kill(d.Pid, 2);
        Assert.Equal(0, d.WaitForExit(TimeSpan.FromSeconds(20)));
        Assert.Single(d.Lines, l => l.Contains("initiating termination"));
    }
}
