namespace PerpPS.Tools.Tests;

/// <summary>perpctl against the real perpd: each command's effect on real processes.</summary>
public class PerpctlEndToEndTests
{
    [Fact]
    public void Down_up_once_pause_continue_and_terminate()
    {
        using var perp = Perp.Create(b => b.AddService("sleeper", Perp.Sleeper, Perp.Logger)).Start();
        string up = perp.WaitLs("sleeper", @"^\[\+ \+\+\+ \+\+\+\]  sleeper  uptime: \d+s/\d+s  pids: \d+/\d+$");
        int main = Perp.MainPid(up), log = Perp.LogPid(up);

        var d = perp.Run("perpctl", "d", "sleeper");
        Assert.Equal((0, "sleeper: ok\n"), (d.ExitCode, d.Stderr));
        Wait.Until(() => ProcFs.State(main) is null or 'Z', "main to die after d");
        string down = perp.WaitLs("sleeper", @"^\[\+ \.\.\. \+\+\+\]  sleeper  uptime: -s/\d+s  pids: -/\d+$");
        Assert.Equal(log, Perp.LogPid(down));
        Assert.Matches(@"^  main: down \d+ seconds$", perp.Run("perpstat", "sleeper").Stdout.Split('\n')[1]);

        Assert.Equal(0, perp.Run("perpctl", "up", "sleeper").ExitCode);
        // Until it is half a second old the new process is shown as wanting up, never as "0s".
        string line = "";
        Wait.Until(() =>
        {
            line = perp.Ls("sleeper");
            Assert.Matches(@"^\[\+ (!\.\. \+\+\+\]  sleeper  uptime: -s/\d+s  pids: -/|\+\+\+ \+\+\+\]  sleeper  uptime: [1-9]\d*s/\d+s  pids: \d+/)", line);
            return !line.Contains("!..");
        }, "main to come up after u");
        int second = Perp.MainPid(line);
        Assert.NotEqual(main, second);

        Assert.Equal(0, perp.Run("perpctl", "o", "sleeper").ExitCode);
        perp.WaitLs("sleeper", @"^\[\+ \+o\+ \+\+\+\]");
        Assert.Equal(0, perp.Run("perpctl", "p", "sleeper").ExitCode);
        perp.WaitLs("sleeper", @"^\[\+ \+op \+\+\+\]");
        Wait.Until(() => ProcFs.State(second) == 'T', "SIGSTOP to take effect");
        Assert.EndsWith(", paused, flagged once", perp.Run("perpstat", "sleeper").Stdout.Split('\n')[1]);
        Assert.Equal(0, perp.Run("perpctl", "c", "sleeper").ExitCode);
        perp.WaitLs("sleeper", @"^\[\+ \+o\+ \+\+\+\]");
        Wait.Until(() => ProcFs.State(second) is 'S' or 'R', "SIGCONT to take effect");

        Assert.Equal(0, perp.Run("perpctl", "t", "sleeper").ExitCode);
        perp.WaitLs("sleeper", @"^\[\+ \.\.\. \+\+\+\]  sleeper  uptime: -s/\d+s  pids: -/\d+$");
        Assert.Matches(@"^  main: down \d+ seconds, flagged once$", perp.Run("perpstat", "sleeper").Stdout.Split('\n')[1]);
    }

    [Fact]
    public void Signal_letters_deliver_their_signals()
    {
        using var perp = Perp.Create(b =>
        {
            string rec = Path.Combine(b.Scratch, "signals");
            b.AddService("trapper",
                "if [ \"$1\" = start ]; then\n" +
                $"  for s in HUP INT QUIT USR1 USR2 ALRM WINCH; do trap \"echo $s >> {rec}\" $s; done\n" +
                $"  echo ready >> {rec}\n" +
                "  while :; do sleep 0.05; done\n" +
                "fi\nexit 0\n");
        }).Start();
        string rec = Path.Combine(perp.Base.Scratch, "signals");
        Wait.Until(() => File.Exists(rec) && File.ReadAllText(rec).Contains("ready"), "trapper ready");
        string[] expected = ["HUP", "INT", "QUIT", "USR1", "USR2", "ALRM", "WINCH"];
        string[] letters = ["h", "i", "q", "1", "2", "a", "w"];
        for (int i = 0; i < letters.Length; i++)
        {
            var r = perp.Run("perpctl", letters[i], "trapper");
            Assert.Equal((0, "trapper: ok\n"), (r.ExitCode, r.Stderr));
            Wait.Until(() => File.ReadAllText(rec).Contains(expected[i]), "signal " + expected[i]);
        }
        int pid = Perp.MainPid(perp.WaitLs("trapper", @"\+\+\+"));
        Assert.Equal(0, perp.Run("perpctl", "k", "trapper").ExitCode);
        Wait.Until(() => ProcFs.State(pid) is null or 'Z', "SIGKILL");
        string again = perp.WaitLs("trapper", @"^\[\+ \+\+\+ ---\]  trapper  uptime: \d+s/-s  pids: \d+/-$");
        Assert.NotEqual(pid, Perp.MainPid(again));
    }

    [Fact]
    public void Process_group_flag_reaches_the_services_children()
    {
        using var perp = Perp.Create(b =>
        {
            string child = Path.Combine(b.Scratch, "child");
            b.AddService("family", $"if [ \"$1\" = start ]; then sleep 100000 & echo $! > {child}.tmp; mv {child}.tmp {child}; exec sleep 100000; fi\nexit 0\n");
        }).Start();
        string childFile = Path.Combine(perp.Base.Scratch, "child");
        Wait.Until(() => File.Exists(childFile), "child pid");
        int child = int.Parse(File.ReadAllText(childFile).Trim());
        try
        {
            int main = Perp.MainPid(perp.WaitLs("family", @"\+\+\+"));
            File.Delete(childFile);
            Assert.Equal(0, perp.Run("perpctl", "t", "family").ExitCode);
            Wait.Until(() => ProcFs.State(main) is null or 'Z', "main to die");
            Assert.True(ProcessKiller.IsAlive(child), "without -g the child is not signalled");

            // The restarted service has a new child; -g terminates the whole group.
            Wait.Until(() => File.Exists(childFile), "second child pid");
            int child2 = int.Parse(File.ReadAllText(childFile).Trim());
            int main2 = Perp.MainPid(perp.WaitLs("family", @"\+\+\+"));
            try
            {
                Assert.Equal(0, perp.Run("perpctl", "-g", "d", "family").ExitCode);
                Wait.Until(() => ProcFs.State(main2) is null or 'Z', "main to die");
                Wait.Until(() => !ProcessKiller.IsAlive(child2), "-g to reach the child");
            }
            finally
            {
                ProcessKiller.KillAll([child2]);
            }
        }
        finally
        {
            ProcessKiller.KillAll([child]);
        }
    }

    [Fact]
    public void Log_flag_and_meta_commands()
    {
        using var perp = Perp.Create(b => b.AddService("pair", Perp.Sleeper, Perp.Logger)).Start();
        string up = perp.WaitLs("pair", @"^\[\+ \+\+\+ \+\+\+\]");
        int main = Perp.MainPid(up), log = Perp.LogPid(up);

        Assert.Equal(0, perp.Run("perpctl", "-L", "k", "pair").ExitCode);
        string relogged = "";
        Wait.Until(() => Perp.LogPid(relogged = perp.Ls("pair")) is int p && p != 0 && p != log, "a new logger");
        Assert.Equal(main, Perp.MainPid(relogged));

        var meta = perp.Run("perpctl", "-L", "D", "pair");
        Assert.Equal(100, meta.ExitCode);
        Assert.Equal("perpctl usage error: meta-command 'D' may not be used with option -L\n" +
                     "usage: perpctl [-hV] [-b basedir] [-g] [-L] [-q] [ADUXduopcahikqtw12] sv [sv ...]\n", meta.Stderr);

        Assert.Equal(0, perp.Run("perpctl", "D", "pair").ExitCode);
        perp.WaitLs("pair", @"^\[\+ \.\.\. \.\.\.\]  pair  uptime: -s/-s  pids: -/-$");
        Assert.Equal(0, perp.Run("perpctl", "U", "pair").ExitCode);
        perp.WaitLs("pair", @"^\[\+ \+\+\+ \+\+\+\]  pair  uptime: \d+s/\d+s  pids: \d+/\d+$");
    }

    [Fact]
    public void Activate_and_deactivate_with_A_and_X()
    {
        using var perp = Perp.Create(b =>
        {
            b.AddService("idle", Perp.Sleeper, active: false);
            File.WriteAllText(Path.Combine(b.Path, "plain"), "");
        }).Start();
        Assert.Equal("[- --- ---]  idle  (service not activated)", perp.Ls("idle"));

        var a = perp.Run("perpctl", "A", "idle", "nosuch", "plain");
        Assert.Equal(111, a.ExitCode);
        Assert.Equal("idle: set for activation\nerror: nosuch: service directory not found\nerror: plain: not a directory\n" +
                     "rescan triggered for activation set on 1 service\n", a.Stderr);
        Assert.True(File.GetUnixFileMode(perp.Base.Service("idle")).HasFlag(UnixFileMode.StickyBit));
        perp.WaitLs("idle", @"^\[\+ \+\+\+ ---\]  idle  uptime: \d+s/-s  pids: \d+/-$");

        var x = perp.Run("perpctl", "X", "idle");
        Assert.Equal((0, "idle: set for deactivation\nrescan triggered for deactivation set on 1 service\n"), (x.ExitCode, x.Stderr));
        perp.WaitLs("idle", @"^\[- --- ---\]  idle  \(service not activated\)$");

        var none = perp.Run("perpctl", "-q", "A", "nosuch");
        Assert.Equal((111, "error: nosuch: service directory not found\n"), (none.ExitCode, none.Stderr));

        // perpd down: the chmod still happens, then the fatal message (edge case 22).
        perp.StopDaemon();
        var late = perp.Run("perpctl", "A", "idle");
        Assert.Equal(111, late.ExitCode);
        Assert.Equal("idle: set for activation\n" +
                     "perpctl fatal: perpd not running on .: no lock active on ./.control/perpd.pid\n", late.Stderr);
        Assert.True(File.GetUnixFileMode(perp.Base.Service("idle")).HasFlag(UnixFileMode.StickyBit));
    }
}
