namespace PerpPS.Daemon.Tests;

/// <summary>
/// Supervision of self-daemonizing programs through the <c>pidfile</c> file: the start forks
/// away and exits 0, perpd reads the pid, watches it by pidfd, restarts through reset/start
/// (reset NAME unknown) when it dies, signals it on down; bad pid files are error lines.
/// </summary>
public sealed class PidFileTests
{
    private static string Daemonizing(string journal) => Scripts.Journal(journal, "sh -c 'sleep 1000 & echo $! > pid'; exit 0");

    private static int ReadPid(string file) => int.TryParse(File.Exists(file) ? File.ReadAllText(file).Trim() : "", out int p) ? p : 0;

    private static bool Gone(int pid) => ProcFs.State(pid) is null or 'Z';

    [Fact]
    public void Daemonizing_program_is_supervised_through_its_pid_file_restarted_when_killed_and_stopped_on_down()
    {
        using var b = new TempBase();
        string journal = Path.Combine(b.Scratch, "journal");
        string dir = b.AddService("forker", Daemonizing(journal));
        File.WriteAllText(Path.Combine(dir, "pidfile"), "pid\n");
        string pidPath = Path.Combine(dir, "pid");
        var left = new List<int>();
        try
        {
            using var d = DaemonProcess.Start(b.Path);
            var up = Perp.WaitStatus(b.Path, "forker", s => s.Main.IsRunning && ReadPid(pidPath) == (int)s.Main.Pid, "forker supervised by its pid file");
            int first = (int)up.Main.Pid;
            left.Add(first);
            Assert.Equal("sleep", File.ReadAllText($"/proc/{first}/comm").Trim());
            Assert.DoesNotContain(first, d.ChildPids());
            d.WaitForLine($"perpd[{d.Pid}]: supervising pid {first} of service forker from pid file pid");

            // Killed: perpd sees it at once, runs the reset with an unknown status, starts again.
            ProcessKiller.KillAll([first]);
            Perp.WaitLines(journal, l => l.StartsWith("reset forker unknown svpid=" + first + " "));
            var again = Perp.WaitStatus(b.Path, "forker", s => s.Main.IsRunning && s.Main.Pid != first && ReadPid(pidPath) == (int)s.Main.Pid, "forker restarted");
            int second = (int)again.Main.Pid;
            left.Add(second);

            // Down: the daemon gets SIGTERM and the service stays down.
            Assert.Equal(0, Perp.Command(b.Path, "forker", 'd'));
            Wait.Until(() => Gone(second), "the daemonized sleep to end");
            Perp.WaitLines(journal, l => l.StartsWith("reset forker unknown svpid=" + second + " "));
            Perp.WaitStatus(b.Path, "forker", s => !s.Main.IsRunning && s.Main.WantsDown, "forker down");
        }
        finally
        {
            ProcessKiller.KillAll(left);
        }
    }

    [Fact]
    public void Pid_file_that_never_appears_or_names_another_service_is_an_error_line()
    {
        using var b = new TempBase();
        b.AddService("other", Scripts.Forever);
        string journal = Path.Combine(b.Scratch, "journal");
        string never = b.AddService("never", Scripts.Journal(journal, "exit 0"));
        File.WriteAllText(Path.Combine(never, "pidfile"), "no-such-file\n");
        string thief = b.AddService("thief", Scripts.Journal(journal, "exit 0"), active: false);
        File.WriteAllText(Path.Combine(thief, "pidfile"), Path.Combine(b.Scratch, "other.pid") + "\n");
        using var d = DaemonProcess.Start(b.Path);
        int other = Perp.WaitMainUp(b.Path, "other");
        File.WriteAllText(Path.Combine(b.Scratch, "other.pid"), other + "\n");
        b.SetActive("thief", true);
        ToolRunner.Run("/bin/kill", "-HUP", d.Pid.ToString());

        d.WaitForLine($"perpd[{d.Pid}]: service thief: pid file {Path.Combine(b.Scratch, "other.pid")} names pid {other} of service other");
        d.WaitForLine($"perpd[{d.Pid}]: service never: pid file no-such-file never appeared", TimeSpan.FromSeconds(20));
        // The start's exit 0 is then handled as any other: reset, and the service keeps cycling.
        Perp.WaitLines(journal, l => l.StartsWith("reset never exit 0 "));
        Assert.Equal(other, (int)Perp.Status(b.Path, "other").Main.Pid);
    }
}
