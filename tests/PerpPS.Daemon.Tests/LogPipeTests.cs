namespace PerpPS.Daemon.Tests;

/// <summary>The log pipe perpd holds for the service's whole life (spec §3.11, edge case 9).</summary>
public sealed class LogPipeTests
{
    [Fact]
    public void Killing_the_logger_loses_no_line()
    {
        // Each round: main writes a batch, waits until the logger has written it all (so the
        // logger holds nothing in flight), lets the test kill the logger, then at once writes
        // the next batch while no logger runs. Those lines wait in the pipe perpd holds and
        // reach the next logger; main never sees EPIPE.
        using var b = new TempBase();
        string logged = Path.Combine(b.Scratch, "logged");
        string sync = b.Scratch;
        const int rounds = 4, batch = 25;
        b.AddService("talker", $$"""
            case $1 in
              start)
                n=0
                for r in $(seq 1 {{rounds + 1}}); do
                  for i in $(seq 1 {{batch}}); do n=$((n+1)); echo "line $n" || echo "EPIPE" >&2; done
                  while ! grep -qx "line $n" {{logged}} 2>/dev/null; do sleep 0.02; done
                  touch {{sync}}/quiet.$r
                  while [ ! -e {{sync}}/killed.$r ]; do sleep 0.02; done
                done
                exec sleep 100000 ;;
            esac
            """,
            rcLog: $$"""case $1 in start) exec cat >> {{logged}} ;; esac""");
        using var d = DaemonProcess.Start(b.Path);
        int main = Perp.WaitMainUp(b.Path, "talker");
        for (int r = 1; r <= rounds + 1; r++)
        {
            string quiet = Path.Combine(sync, "quiet." + r);
            Wait.Until(() => File.Exists(quiet), quiet);
            if (r <= rounds)
            {
                int log = Perp.WaitLogUp(b.Path, "talker");
                Assert.Equal(0, PerpPS.Core.Interop.Libc.Kill(log, r % 2 == 0 ? 15 : 9));
                Wait.Until(() => !ProcessKiller.IsAlive(log), "logger dead");
            }
            File.WriteAllText(Path.Combine(sync, "killed." + r), "");
        }
        var got = Perp.Lines(logged);
        Assert.Equal(Enumerable.Range(1, (rounds + 1) * batch).Select(i => "line " + i), got);
        Assert.Equal((uint)main, Perp.Status(b.Path, "talker").Main.Pid);
        Assert.DoesNotContain("EPIPE", d.Lines);
    }

    [Fact]
    public void Log_reset_gets_dev_null_on_stdin_and_main_reset_writes_to_the_pipe()
    {
        using var b = new TempBase();
        string logged = Path.Combine(b.Scratch, "logged");
        string resetFd = Path.Combine(b.Scratch, "logreset");
        b.AddService("svc", """
            case $1 in start) exec sleep 100000 ;; reset) echo "main reset $3 $4" ;; esac
            """,
            rcLog: $$"""
            case $1 in
              start) exec cat >> {{logged}} ;;
              reset) readlink /proc/$$/fd/0 > {{resetFd}} ;;
            esac
            """);
        using var d = DaemonProcess.Start(b.Path);
        int main = Perp.WaitMainUp(b.Path, "svc");
        int log = Perp.WaitLogUp(b.Path, "svc");
        PerpPS.Core.Interop.Libc.Kill(main, 15);
        Perp.WaitLines(logged, l => l == "main reset signal 15");
        PerpPS.Core.Interop.Libc.Kill(log, 9);
        Perp.WaitLines(resetFd, l => l == "/dev/null");
    }
}
