using System.Globalization;
using PerpPS.Core.Interop;

namespace PerpPS.Reliability.Tests;

/// <summary>
/// A plain <c>cat &gt;&gt; file</c> logger killed again and again loses no line of the log pipe
/// (issue #11). What the adversarial run lost was never in the pipe: a cat killed between its
/// read(2) and its write(2) takes the bytes it has read with it, under any supervisor (a
/// one-off run here, killing cat at any moment: 1,000 of 100,000 lines lost in 2 runs of 3,
/// with SIGTERM and with SIGKILL, always one writer burst read whole). Even a cat killed
/// while it waits in read(2) on an empty pipe can take data: woken by the signal, the kernel's
/// pipe_read re-tests "readable" before "signal pending", so a write that lands before the
/// dying reader is scheduled is read, then lost (seen here: 400 of 20,000 lines with main
/// resumed right after the kill; 0 of 20,000 in 4 runs when main resumed after the death). perp 2.07 lost none
/// only because its governor sleeps in a forked copy of perpd that carries the logger's pid,
/// so kills aimed at "the logger" mostly hit that copy. What perpd owes is that the pipe keeps
/// everything while no logger runs: this test kills cat only while it waits in read(2) on the
/// empty pipe while main is stopped (so it holds no data), then main goes on writing into the
/// pipe while no logger runs, and every line must arrive exactly once.
/// </summary>
public sealed class CatLoggerTests(ITestOutputHelper output)
{
    private const int LinesToWrite = 20000;

    [Fact]
    public void Cat_logger_killed_while_waiting_loses_and_doubles_no_line()
    {
        using var tb = new TempBase();
        string logFile = Path.Combine(tb.Scratch, "out");
        string done = Path.Combine(tb.Scratch, "done");
        string main = $$"""
            [ "$1" = start ] || exit 0
            i=0
            while [ $i -lt {{LinesToWrite}} ]; do
              i=$((i+1))
              echo $i
              case $i in *00) sleep 0.05 ;; esac
            done
            touch {{done}}
            exec sleep 100000
            """;
        var id = Perp.Id(tb.AddService("numbers", main, $"[ \"$1\" = start ] || exit 0\nexec cat >> {logFile}\n"));
        using var daemon = DaemonProcess.Start(tb.Path);

        int kills = 0;
        uint lastKilled = 0;
        while (!File.Exists(done))
        {
            var status = Perp.Status(tb.Path, id);
            var logger = status.Log;
            int pid = (int)logger.Pid, writer = (int)status.Main.Pid;
            if (pid != 0 && logger.Pid != lastKilled && !logger.IsResetting && writer != 0)
            {
                // Main is stopped, so no byte arrives; cat waiting in read(2) then holds none.
                Libc.Kill(writer, 19);
                bool idle = false;
                for (int i = 0; i < 50 && !(idle = WaitsInRead(pid)); i++) Thread.Sleep(2);
                if (idle)
                {
                    Libc.Kill(pid, kills % 2 == 0 ? 15 : 9);
                    lastKilled = logger.Pid;
                    kills++;
                    // A reader woken by its fatal signal still takes data that arrives before
                    // it is scheduled (wait_event tests the condition before the signal): let
                    // it die before main writes again.
                    Wait.Until(() => !ProcessKiller.IsAlive(pid), "the killed cat to die");
                }
                Libc.Kill(writer, 18);
            }
            Thread.Sleep(20);
            Assert.False(daemon.HasExited);
        }
        Wait.Until(() => File.Exists(logFile) && File.ReadAllLines(logFile).Length >= LinesToWrite,
            $"all {LinesToWrite} lines in {logFile}", TimeSpan.FromSeconds(30));

        var seen = new int[LinesToWrite + 1];
        foreach (string line in File.ReadLines(logFile))
            if (int.TryParse(line, NumberStyles.None, CultureInfo.InvariantCulture, out int v) && v >= 1 && v <= LinesToWrite) seen[v]++;
        int lost = seen.Skip(1).Count(n => n == 0), doubled = seen.Count(n => n > 1);
        output.WriteLine($"cat killed {kills} times; lost {lost}, doubled {doubled}");
        Assert.True(kills >= 5, $"cat was only killed {kills} times");
        Assert.Equal((0, 0), (lost, doubled));
    }

    /// <summary>True when the process is cat blocked in read(2) (syscall 0 on x86_64, 63 on arm64).</summary>
    private static bool WaitsInRead(int pid)
    {
        try
        {
            if (File.ReadAllText($"/proc/{pid}/comm").Trim() != "cat") return false;
            string nr = File.ReadAllText($"/proc/{pid}/syscall").Split(' ')[0];
            return nr == (System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture
                == System.Runtime.InteropServices.Architecture.X64 ? "0" : "63");
        }
        catch (IOException)
        {
            return false;
        }
    }
}
