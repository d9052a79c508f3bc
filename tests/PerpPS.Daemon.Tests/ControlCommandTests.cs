using PerpPS.Core.Posix;
using PerpPS.Core.Protocol;

namespace PerpPS.Daemon.Tests;

/// <summary>Every control command's effect (spec §6.2), sent as C packets over the real socket.</summary>
public sealed class ControlCommandTests
{
    /// <summary>A main that records every signal it gets: "got NAME" lines; TERM ends it.</summary>
    private static string Trapper(string journal) => $$"""
        case $1 in
          start)
            for s in HUP INT QUIT USR1 USR2 ALRM WINCH; do trap "echo got $s >> {{journal}}" $s; done
            trap "echo got TERM >> {{journal}}; exit 0" TERM
            echo "start $$" >> {{journal}}
            while :; do sleep 0.1; done ;;
          reset) echo "reset $*" >> {{journal}} ;;
        esac
        """;

    [Fact]
    public void Signal_commands_deliver_perps_signals()
    {
        using var b = new TempBase();
        string journal = Path.Combine(b.Scratch, "journal");
        b.AddService("trapper", Trapper(journal));
        using var d = DaemonProcess.Start(b.Path);
        Perp.WaitMainUp(b.Path, "trapper");
        Perp.WaitLines(journal, l => l.StartsWith("start "));
        var expected = new (char Cmd, string Name)[]
        {
            ('h', "HUP"), ('i', "INT"), ('q', "QUIT"), ('1', "USR1"), ('2', "USR2"), ('a', "ALRM"), ('w', "WINCH"),
        };
        foreach (var (cmd, name) in expected)
        {
            Assert.Equal(0, Perp.Command(b.Path, "trapper", cmd));
            Perp.WaitLines(journal, l => l == "got " + name);
        }
        Assert.Equal(0, Perp.Command(b.Path, "trapper", 't'));
        Perp.WaitLines(journal, l => l == "got TERM");
        Perp.WaitLines(journal, l => l == "reset reset trapper exit 0");
        // Not wanting down: it is started again.
        Perp.WaitLines(journal, l => l.StartsWith("start "), 2);
    }

    [Fact]
    public void Down_up_and_once()
    {
        using var b = new TempBase();
        string journal = Path.Combine(b.Scratch, "journal");
        b.AddService("svc", Scripts.Sleeper(journal));
        using var d = DaemonProcess.Start(b.Path);
        int pid = Perp.WaitMainUp(b.Path, "svc");

        Assert.Equal(0, Perp.Command(b.Path, "svc", 'd'));
        Perp.WaitLines(journal, l => l.StartsWith($"reset svc signal 15 SIGTERM svpid={pid} "));
        var s = Perp.WaitStatus(b.Path, "svc", st => !st.Main.IsRunning, "down");
        Assert.True(s.Main.WantsDown);
        // 'd' on a down service only sets the flag; still ok.
        Assert.Equal(0, Perp.Command(b.Path, "svc", 'd'));

        Assert.Equal(0, Perp.Command(b.Path, "svc", 'u'));
        int up = Perp.WaitMainUp(b.Path, "svc");
        Assert.False(Perp.Status(b.Path, "svc").Main.WantsDown);

        Assert.Equal(0, Perp.Command(b.Path, "svc", 'o'));
        Assert.True(Perp.Status(b.Path, "svc").Main.IsOnce);
        Assert.Equal(0, Perp.Command(b.Path, "svc", 'k'));
        Perp.WaitLines(journal, l => l.StartsWith($"reset svc signal 9 SIGKILL svpid={up} "));
        s = Perp.WaitStatus(b.Path, "svc", st => !st.Main.IsRunning, "down after a once run");
        Assert.True(s.Main.WantsDown);
        Assert.True(s.Main.IsOnce);
    }

    [Fact]
    public void Pause_and_continue_stop_and_resume_the_process()
    {
        using var b = new TempBase();
        b.AddService("svc", Scripts.Forever);
        using var d = DaemonProcess.Start(b.Path);
        int pid = Perp.WaitMainUp(b.Path, "svc");
        Perp.Pause(b.Path, "svc", pid);
        Assert.True(Perp.Status(b.Path, "svc").Main.IsPaused);
        Assert.Equal(0, Perp.Command(b.Path, "svc", 'c'));
        Wait.Until(() => ProcFs.State(pid) == 'S', "process running again");
        Assert.False(Perp.Status(b.Path, "svc").Main.IsPaused);
    }

    [Fact]
    public void Process_group_flag_signals_the_whole_group()
    {
        using var b = new TempBase();
        string journal = Path.Combine(b.Scratch, "journal");
        // The runscript's child (a second sleep) is in the same process group.
        b.AddService("grp", $$"""
            case $1 in
              start) sleep 100000 & echo "child $!" >> {{journal}}; wait ;;
            esac
            """);
        using var d = DaemonProcess.Start(b.Path);
        int pid = Perp.WaitMainUp(b.Path, "grp");
        int child = int.Parse(Perp.WaitLines(journal, l => l.StartsWith("child "))[0][6..]);
        Assert.Equal(pid, ProcFs.ProcessGroup(child)); // pgid of the child = service pid
        Assert.Equal(0, Perp.Command(b.Path, "grp", 'k', CommandFlags.KillProcessGroup));
        Wait.Until(() => !ProcessKiller.IsAlive(child), "the whole group killed");
    }

    [Fact]
    public void Log_flag_targets_the_logger_and_meta_commands_do_both()
    {
        using var b = new TempBase();
        string journal = Path.Combine(b.Scratch, "journal");
        b.AddService("pair", Scripts.Sleeper(journal), rcLog: "exec cat > /dev/null");
        b.AddService("nolog", Scripts.Forever);
        using var d = DaemonProcess.Start(b.Path);
        int main = Perp.WaitMainUp(b.Path, "pair");
        int log = Perp.WaitLogUp(b.Path, "pair");

        Assert.Equal(0, Perp.Command(b.Path, "pair", 'k', CommandFlags.Log));
        Perp.WaitStatus(b.Path, "pair", st => st.Log.IsRunning && !st.Log.IsResetting && st.Log.Pid != (uint)log, "a new logger");
        Assert.Equal((uint)main, Perp.Status(b.Path, "pair").Main.Pid); // main untouched

        Assert.Equal(0, Perp.Command(b.Path, "pair", 'D'));
        var s = Perp.WaitStatus(b.Path, "pair", st => !st.Main.IsRunning && !st.Log.IsRunning, "both down");
        Assert.True(s.Main.WantsDown && s.Log.WantsDown);
        Assert.Equal(0, Perp.Command(b.Path, "pair", 'U'));
        Perp.WaitMainUp(b.Path, "pair");
        Perp.WaitLogUp(b.Path, "pair");

        // -L on a service without a log: success, no effect (edge case 23).
        Assert.Equal(0, Perp.Command(b.Path, "nolog", 'k', CommandFlags.Log));
        Assert.Equal(0, Perp.Command(b.Path, "nolog", 'u', CommandFlags.Log));
        Assert.True(Perp.Status(b.Path, "nolog").Main.IsRunning);
        // D/U with the log flag are ignored.
        Assert.Equal(0, Perp.Command(b.Path, "pair", 'D', CommandFlags.Log));
        Assert.True(Perp.Status(b.Path, "pair").Main.IsRunning);
    }

    [Fact]
    public void Down_then_up_with_a_logger_that_ignores_TERM_recreates_the_pipe_instead_of_storming()
    {
        using var b = new TempBase();
        string journal = Path.Combine(b.Scratch, "journal");
        string logged = Path.Combine(b.Scratch, "logged");
        b.AddService("pair", Scripts.Journal(journal, "echo line-$$; exec sleep 100000"),
            rcLog: $$"""case $1 in start) trap "" TERM; exec cat >> {{logged}} ;; esac""");
        using var d = DaemonProcess.Start(b.Path);
        Perp.WaitMainUp(b.Path, "pair");
        int log = Perp.WaitLogUp(b.Path, "pair");
        Assert.Equal(0, Perp.Command(b.Path, "pair", 'D'));
        // main goes down; perpd then closes the pipe, so the TERM-proof logger sees EOF and ends.
        Perp.WaitStatus(b.Path, "pair", st => !st.Main.IsRunning && !st.Log.IsRunning, "both down");
        Assert.False(ProcessKiller.IsAlive(log));
        Assert.Equal(0, Perp.Command(b.Path, "pair", 'U'));
        int main2 = Perp.WaitMainUp(b.Path, "pair");
        Perp.WaitLogUp(b.Path, "pair");
        Perp.WaitLines(logged, l => l == "line-" + main2);
        Assert.DoesNotContain(d.Lines, l => l.Contains("dup2()"));
        Assert.True(Perp.Lines(journal).Count(l => l.StartsWith("start ")) <= 3);
    }

    [Fact]
    public void Command_errors_follow_perp()
    {
        using var b = new TempBase();
        b.AddService("svc", Scripts.Forever);
        b.AddService("unscanned", Scripts.Forever, active: false);
        using var d = DaemonProcess.Start(b.Path);
        Perp.WaitMainUp(b.Path, "svc");
        Assert.Equal(Errno.EPROTO, Perp.Command(b.Path, "svc", 'Z'));
        b.SetActive("unscanned", true);
        Assert.Equal(Errno.ENOENT, Perp.Command(b.Path, "unscanned", 'u'));
        Assert.True(Perp.Status(b.Path, "svc").Main.IsRunning);
    }
}
