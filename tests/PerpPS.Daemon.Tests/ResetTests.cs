using PerpPS.Core.Protocol;

namespace PerpPS.Daemon.Tests;

/// <summary>The reset target and the restart that follows (spec §3.3–§3.5).</summary>
public sealed class ResetTests
{
    [Fact]
    public void Reset_receives_signal_name_after_kill()
    {
        using var b = new TempBase();
        string journal = Path.Combine(b.Scratch, "journal");
        b.AddService("sleeper", Scripts.Sleeper(journal));
        using var d = DaemonProcess.Start(b.Path);
        int pid = Perp.WaitMainUp(b.Path, "sleeper");

        Assert.Equal(0, ProcessKillerSignal(pid, 9));
        var reset = Perp.WaitLines(journal, l => l.StartsWith("reset "))[0];
        Assert.StartsWith($"reset sleeper signal 9 SIGKILL svpid={pid} svsecs=", reset);

        // And the service comes back with a new pid.
        int again = Perp.WaitMainUp(b.Path, "sleeper");
        Assert.NotEqual(pid, again);

        Assert.Equal(0, ProcessKillerSignal(again, 3));
        Perp.WaitLines(journal, l => l.StartsWith($"reset sleeper signal 3 SIGQUIT svpid={again} "));
    }

    [Fact]
    public void Reset_receives_exit_code_and_runtime()
    {
        using var b = new TempBase();
        string journal = Path.Combine(b.Scratch, "journal");
        b.AddService("exiter", Scripts.Journal(journal, "sleep 1.2; exit 7"));
        using var d = DaemonProcess.Start(b.Path);
        var reset = Perp.WaitLines(journal, l => l.StartsWith("reset "))[0];
        var start = Perp.Lines(journal).First(l => l.StartsWith("start "));
        string startPid = Field(start, "svpid");
        Assert.StartsWith($"reset exiter exit 7 svpid={startPid} svsecs=1 ", reset);
    }

    [Fact]
    public void Unknown_signal_is_reported_as_SIGUNKNOWN()
    {
        using var b = new TempBase();
        string journal = Path.Combine(b.Scratch, "journal");
        b.AddService("rt", Scripts.Sleeper(journal));
        using var d = DaemonProcess.Start(b.Path);
        int pid = Perp.WaitMainUp(b.Path, "rt");
        Assert.Equal(0, ProcessKillerSignal(pid, 16)); // SIGSTKFLT: not in perp's table
        Perp.WaitLines(journal, l => l.StartsWith($"reset rt signal 16 SIGUNKNOWN svpid={pid} "));
    }

    [Fact]
    public void Killing_a_reset_counts_as_its_completion()
    {
        using var b = new TempBase();
        string journal = Path.Combine(b.Scratch, "journal");
        b.AddService("slowreset", $$"""
            echo "$1 t=$(date +%s.%N)" >> {{journal}}
            case $1 in start) exec sleep 100000 ;; reset) [ -e {{journal}}.quick ] || exec sleep 100000 ;; esac
            """);
        using var d = DaemonProcess.Start(b.Path);
        Perp.WaitMainUp(b.Path, "slowreset");
        Perp.WaitLines(journal, l => l.StartsWith("start ")); // the script is past its echo
        Assert.Equal(0, Perp.Command(b.Path, "slowreset", 't'));
        var s = Perp.WaitStatus(b.Path, "slowreset", st => st.Main.IsResetting, "reset running");
        Perp.WaitLines(journal, l => l.StartsWith("reset "));
        // A TERM to a resetting runscript is dropped (and says so); KILL passes.
        Assert.Equal(0, Perp.Command(b.Path, "slowreset", 't'));
        d.WaitForLine("dropping signal SIGTERM to resetting service slowreset (main)");
        Assert.True(ProcessKiller.IsAlive((int)s.Main.Pid));
        Assert.Equal(0, Perp.Command(b.Path, "slowreset", 'k'));
        d.WaitForLine("sending signal SIGKILL to resetting service slowreset (main)");
        Perp.WaitLines(journal, l => l.StartsWith("start "), 2);
        File.WriteAllText(journal + ".quick", ""); // later resets end at once
    }

    private static string Field(string line, string key) =>
        line.Split(' ').First(w => w.StartsWith(key + "="))[(key.Length + 1)..];

    private static int ProcessKillerSignal(int pid, int signal) => PerpPS.Core.Interop.Libc.Kill(pid, signal);
}
