using System.Globalization;
using System.Text.RegularExpressions;
using PerpPS.Core.Protocol;

namespace PerpPS.Tools.Tests.Import;

/// <summary>
/// Imported definitions started under the real perpd, their behaviour observed: the user
/// (/proc/PID/status), the environment (/proc/PID/environ), the working directory and limits;
/// readiness (Type=notify through runnotify, s6's notification-fd) in perpd's status; restart
/// spacing by the services' own timestamps; finish run with the exit code and signal its
/// supervisor would pass; log lines landing in the logger's files; runit's check as health;
/// flag.down; the stop policy (down-signal, timeout-kill) and dependencies.
/// </summary>
public sealed class ImportEndToEndTests
{
    private static DaemonProcess Perpd(TempBase b) => DaemonProcess.Start(b.Path, environment: ImportFixture.Environment());

    private static ToolResult Perpctl(TempBase b, params string[] args) =>
        ToolRunner.Run("perpctl", ["-b", b.Path, .. args], b.Path, ImportFixture.Environment());

    private static string Ls(TempBase b, string name) =>
        ToolRunner.Run("perpls", ["-b", b.Path, name], b.Path, ImportFixture.Environment()).Stdout.TrimEnd('\n');

    private static string WaitLs(TempBase b, string name, string pattern)
    {
        string last = "";
        Wait.Until(() => Regex.IsMatch(last = Ls(b, name), pattern), $"perpls {name} =~ {pattern} (last: {last})");
        return last;
    }

    private static string ReadOrEmpty(string path)
    {
        try { return File.ReadAllText(path); }
        catch (IOException) { return ""; }
    }

    /// <summary>Waits until the file holds a line matching <paramref name="pattern"/> <paramref name="count"/> times; returns the matches.</summary>
    private static List<string> WaitLines(string file, string pattern, int count = 1)
    {
        var found = new List<string>();
        Wait.Until(() =>
        {
            found = ReadOrEmpty(file).Split('\n').Where(l => Regex.IsMatch(l, pattern)).ToList();
            return found.Count >= count;
        }, $"{count} line(s) =~ {pattern} in {file}:\n{ReadOrEmpty(file)}", TimeSpan.FromSeconds(30));
        return found;
    }

    [Fact]
    public void Runit_service_runs_with_env_its_log_run_gets_the_lines_finish_gets_code_and_signal_down_is_kept()
    {
        using var b = new TempBase();
        Assert.Equal(0, ImportFixture.PerpImport("-b", b.Path, "-e", ImportFixture.Path_("runit/web")).ExitCode);
        using var perpd = Perpd(b);
        string current = Path.Combine(b.Service("web"), "log", "main", "current");
        // down → flag.down: activated, not started; the logger runs.
        WaitLs(b, "web", @"^\[\+ \.\.\. \+\+\+\]  web  ");
        Assert.Equal(0, Perpctl(b, "u", "web").ExitCode);
        WaitLines(current, @"^web starting: greeting=hello from runit workers=4$");
        // check: ready at its first pass, then healthy by perpd's periodic runs of it.
        Wait.Until(() => TestSupport.Perp.Policy(b.Path, "web").HasFlag(PolicyFlags.Ready), "web ready by its check");
        Wait.Until(() => TestSupport.Perp.Policy(b.Path, "web").HasFlag(PolicyFlags.Healthy), "web healthy by its check", TimeSpan.FromSeconds(60));

        // SIGTERM: run traps it and exits 3; finish gets "3 0" as runsv would pass it; runit restarts.
        WaitLs(b, "web", @"^\[\+ \+\+\+ \+\+\+\]  web  uptime: [1-9]");
        Assert.Equal(0, Perpctl(b, "t", "web").ExitCode);
        WaitLines(current, @"^web finished: code=3 signal=0$");
        WaitLines(current, @"^web starting: ", 2);

        // SIGKILL: finish gets -1 and the signal number.
        WaitLs(b, "web", @"^\[\+ \+\+\+ \+\+\+\]  web  uptime: [1-9]");
        Assert.Equal(0, Perpctl(b, "k", "web").ExitCode);
        WaitLines(current, @"^web finished: code=-1 signal=9$");

        // The worker's pid file spoilt: the check fails, and perpd's status says so.
        WaitLines(current, @"^web starting: ", 3);
        string serving = Path.Combine(b.Service("web"), "serving");
        Wait.Until(() => int.TryParse(ReadOrEmpty(serving).Trim(), out int worker) && ProcessKiller.IsAlive(worker), "web's worker pid file");
        // Before its first passing check a failing one only delays readiness: wait for that pass.
        Wait.Until(() => TestSupport.Perp.Policy(b.Path, "web").HasFlag(PolicyFlags.Healthy), "web healthy again after its restart", TimeSpan.FromSeconds(60));
        File.WriteAllText(serving, "gone\n");
        Wait.Until(() => TestSupport.Perp.Policy(b.Path, "web").HasFlag(PolicyFlags.Unhealthy), "web unhealthy by its check", TimeSpan.FromSeconds(60));
        Assert.Equal(0, Perpctl(b, "d", "web").ExitCode);
        WaitLs(b, "web", @"^\[\+ \.\.\. \+\+\+\]  web  ");
    }

    [Fact]
    public void S6_longrun_waits_for_its_dependencies_is_ready_at_its_newline_stops_by_down_signal_and_timeout_kill_and_finish_gets_256()
    {
        using var b = new TempBase();
        string src = ImportFixture.Instantiate("s6/cache", Path.Combine(b.Scratch, "cache"), new Dictionary<string, string>());
        // This finish asks s6 not to restart after a SIGKILL (exit 125) and says when it ran.
        File.AppendAllText(Path.Combine(src, "finish"), "echo \"cache finish at=$(date +%s.%N)\"\n[ \"$2\" = 9 ] && exit 125\nexit 0\n");
        // A stubborn mode for the stop test: SIGINT (its down-signal) ignored.
        string run = Path.Combine(src, "run");
        File.WriteAllText(run, File.ReadAllText(run).Replace("exec sleep 1000", "[ -e ./stubborn ] && trap '' INT\nexec sleep 1000"));
        Assert.Equal(0, ImportFixture.PerpImport("-b", b.Path, "-e", "-L", src).ExitCode);
        string cache = b.Service("cache");
        TempBase.WriteScript(Path.Combine(cache, "rc.log"), "[ \"$1\" = start ] && exec cat >> ../cache.log\nexit 0\n");
        // Its dependencies.d names base and db; db is ready only once the test says so.
        string dbGo = Path.Combine(b.Scratch, "db-go");
        b.AddService("base", Scripts.Forever);
        string db = b.AddService("db", $"case $1 in start) while [ ! -e {dbGo} ]; do sleep 0.1; done; echo >&3; exec sleep 100000 ;; esac\nexit 0");
        File.WriteAllText(Path.Combine(db, "notification-fd"), "3\n");
        using var perpd = Perpd(b);
        string log = Path.Combine(b.Path, "cache.log");

        // dependencies.d: cache waits while db is not ready.
        Wait.Until(() => TestSupport.Perp.Policy(b.Path, "cache").HasFlag(PolicyFlags.WaitingForDependency), "cache waiting for db");
        Assert.DoesNotContain("cache starting", ReadOrEmpty(log));
        File.WriteAllText(dbGo, "");
        WaitLines(log, "^cache starting$");

        // notification-fd: up, not ready until its newline on fd 3.
        WaitLs(b, "cache", @"^\[\+ \+\+\+ \+\+\+\]  cache  uptime: [1-9]");
        Assert.False(TestSupport.Perp.Policy(b.Path, "cache").HasFlag(PolicyFlags.Ready), "cache ready before its newline");
        File.WriteAllText(Path.Combine(cache, "warm"), "");
        Wait.Until(() => TestSupport.Perp.Policy(b.Path, "cache").HasFlag(PolicyFlags.Ready), "cache ready at its newline");

        // finish: 256 and the signal; s6 restarts; exit 125 after SIGKILL keeps it down.
        Assert.Equal(0, Perpctl(b, "t", "cache").ExitCode);
        WaitLines(log, "^cache finished: 256 15$");
        WaitLines(log, "^cache starting$", 2);
        WaitLs(b, "cache", @"^\[\+ \+\+\+ \+\+\+\]  cache  uptime: [1-9]");
        Assert.Equal(0, Perpctl(b, "k", "cache").ExitCode);
        WaitLines(log, "^cache finished: 256 9$");
        WaitLs(b, "cache", @"^\[\+ \.\.\. \+\+\+\]  cache  ");

        // A stop sends down-signal (SIGINT) ...
        Assert.Equal(0, Perpctl(b, "u", "cache").ExitCode);
        WaitLines(log, "^cache starting$", 3);
        WaitLs(b, "cache", @"^\[\+ \+\+\+ \+\+\+\]  cache  uptime: [1-9]");
        Assert.Equal(0, Perpctl(b, "d", "cache").ExitCode);
        WaitLines(log, "^cache finished: 256 2$");
        WaitLs(b, "cache", @"^\[\+ \.\.\. \+\+\+\]  cache  ");

        // ... and SIGKILL timeout-kill (5000 ms) later when that is ignored.
        File.WriteAllText(Path.Combine(cache, "stubborn"), "");
        Assert.Equal(0, Perpctl(b, "u", "cache").ExitCode);
        WaitLines(log, "^cache starting$", 4);
        int pid = TestSupport.Perp.WaitMainUp(b.Path, "cache");
        Wait.Until(() => ProcFs.CommandLine(pid) == "sleep 1000", "cache serving (exec sleep)");
        double stopped = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0;
        Assert.Equal(0, Perpctl(b, "d", "cache").ExitCode);
        perpd.WaitForLine("stop timeout: sending signal SIGKILL to process group of service cache", TimeSpan.FromSeconds(60));
        WaitLines(log, "^cache finished: 256 9$", 2);
        double finished = At(WaitLines(log, "^cache finish at=", 4)[3]);
        Assert.True(finished - stopped >= 4.99, $"SIGKILL {finished - stopped:0.000} s after the stop, timeout-kill 5000");
        WaitLs(b, "cache", @"^\[\+ \.\.\. \+\+\+\]  cache  ");
    }

    [Fact]
    public void Daemontools_service_starts_in_its_directory_only_when_asked()
    {
        using var b = new TempBase();
        Assert.Equal(0, ImportFixture.PerpImport("-b", b.Path, "-e", ImportFixture.Path_("daemontools/ntpclient")).ExitCode);
        TempBase.WriteScript(Path.Combine(b.Service("ntpclient"), "rc.log"), "[ \"$1\" = start ] && exec cat >> ../ntp.log\nexit 0\n");
        using var perpd = Perpd(b);
        WaitLs(b, "ntpclient", @"^\[\+ \.\.\. \+\+\+\]  ntpclient  ");
        Assert.Equal(0, Perpctl(b, "u", "ntpclient").ExitCode);
        WaitLines(Path.Combine(b.Path, "ntp.log"), "^ntpclient started in " + Regex.Escape(b.Service("ntpclient")) + "$");
    }

    [Fact]
    public void Procfile_processes_run_in_the_app_directory_with_port_and_dotenv_logged_by_tinylog()
    {
        using var b = new TempBase();
        var r = ImportFixture.PerpImport("-b", b.Path, "-e", "-p", "app-", ImportFixture.Path_("procfile"));
        Assert.Equal(0, r.ExitCode);
        using var perpd = Perpd(b);
        WaitLines(Path.Combine(b.Service("app-web"), "log", "current"), @"^\d{8}T\d{6}\.\d{6}: web on port 5000 in staging$");
        WaitLs(b, "app-worker", @"^\[\+ \+\+\+ \+\+\+\]  app-worker  uptime: ");
    }

    [Fact]
    public void Systemd_forking_unit_is_supervised_through_its_pid_file_restarted_when_killed_and_stopped_on_down()
    {
        using var b = new TempBase();
        string pidFile = Path.Combine(b.Scratch, "daemon.pid");
        string unit = Path.Combine(b.Scratch, "daemon.service");
        // A program that can only daemonize itself: it forks away and writes where the child went.
        File.WriteAllText(unit, "[Unit]\nDescription=A self-daemonizing program\n\n[Service]\nType=forking\n" +
            $"PIDFile={pidFile}\nExecStart=/bin/sh -c 'sleep 1000 & echo $! > {pidFile}'\nRestart=always\n");
        Assert.Equal(0, ImportFixture.PerpImport("-b", b.Path, "-e", "-L", unit).ExitCode);
        Assert.Equal(pidFile + "\n", File.ReadAllText(Path.Combine(b.Service("daemon"), "pidfile")));
        int ReadPid() => int.TryParse(ReadOrEmpty(pidFile).Trim(), out int p) ? p : 0;
        var started = new List<int>();
        try
        {
            using var perpd = Perpd(b);
            var up = TestSupport.Perp.WaitStatus(b.Path, "daemon", s => s.Main.IsRunning && (int)s.Main.Pid == ReadPid(), "daemon supervised by its pid file");
            int first = (int)up.Main.Pid;
            started.Add(first);
            // The pid file names the background child as soon as it forks, before it execs sleep.
            Wait.Until(() => ProcFs.CommandLine(first) == "sleep 1000", "the daemonized child to exec sleep 1000");

            // Killed: restarted through reset and start (a new daemon, a new pid file).
            ProcessKiller.KillAll([first]);
            var again = TestSupport.Perp.WaitStatus(b.Path, "daemon", s => s.Main.IsRunning && s.Main.Pid != first && (int)s.Main.Pid == ReadPid(), "daemon restarted");
            int second = (int)again.Main.Pid;
            started.Add(second);

            // Down: the daemon is signalled and stays down.
            Assert.Equal(0, Perpctl(b, "d", "daemon").ExitCode);
            Wait.Until(() => ProcFs.State(second) is null or 'Z', "the daemonized sleep to end");
            WaitLs(b, "daemon", @"^\[\+ \.\.\. ---\]  daemon  ");
        }
        finally
        {
            ProcessKiller.KillAll(started);
        }
    }

    /// <summary>A /proc/PID/status row's values ("Uid:" → real, effective, saved, filesystem).</summary>
    private static string[] StatusRow(int pid, string key) =>
        File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith(key + ":", StringComparison.Ordinal))
            .Split('\t', StringSplitOptions.RemoveEmptyEntries)[1..];

    private static string[] Environ(int pid) => File.ReadAllText($"/proc/{pid}/environ").Split('\0', StringSplitOptions.RemoveEmptyEntries);

    private static double At(string line) =>
        double.Parse(Regex.Match(line, @"at=(\d+\.\d+)").Groups[1].Value, CultureInfo.InvariantCulture);

    [SkippableFact]
    public void Systemd_notify_unit_runs_as_its_user_with_its_environment_is_ready_at_ready_1_and_restarts_on_failure_after_restart_sec()
    {
        // User= goes through runuid, which needs root: skipped otherwise. The user goes at the end.
        using var accounts = new TestAccounts();
        string user = "perppsimport";
        int accountUid = accounts.AddUser(user, "nogroup");
        using var b = new TempBase();
        File.SetUnixFileMode(b.Root, (UnixFileMode)0b111_101_101);
        File.SetUnixFileMode(b.Scratch, (UnixFileMode)0b111_101_101);
        string dir = Path.Combine(b.Scratch, "app");
        ImportFixture.Instantiate("systemd", dir, new Dictionary<string, string> { ["@DIR@"] = dir, ["@USER@"] = user, ["@GROUP@"] = "nogroup" });
        File.SetUnixFileMode(dir, (UnixFileMode)0b111_101_101);
        string srv = Path.Combine(dir, "srv");
        Assert.Equal(0, ToolRunner.Run("/bin/chown", user, srv).ExitCode);

        var r = ImportFixture.PerpImport("-b", b.Path, "-e", Path.Combine(dir, "webapp.service"));
        Assert.Equal(0, r.ExitCode);
        Assert.DoesNotContain("Type=notify", r.Stderr);
        // Requires=db and Wants=cache (both After=) became its dependencies: present here.
        b.AddService("db", Scripts.Forever);
        b.AddService("cache", Scripts.Forever);
        using var perpd = Perpd(b);
        string current = Path.Combine(b.Service("webapp"), "log", "current");
        string up = WaitLines(current, "server up: ")[0];
        Assert.True(Regex.IsMatch(up, $@" server up: user={user} mode=production greeting=hello world args=--port 8080 --verbose --color nofile=4096 cwd={Regex.Escape(srv)} at="), up);
        Assert.True(Directory.Exists(Path.Combine(srv, "cache")), "ExecStartPre= ran");

        // runnotify exec'd the program: main's pid is the server's shell, as User= with the unit's environment.
        int pid = TestSupport.Perp.WaitMainUp(b.Path, "webapp");
        string uid = accountUid.ToString(CultureInfo.InvariantCulture);
        Assert.Equal([uid, uid, uid, uid], StatusRow(pid, "Uid"));
        Assert.Equal("sh", File.ReadAllText($"/proc/{pid}/comm").Trim());
        string[] env = Environ(pid);
        foreach (string v in new[] { "MODE=production", "GREETING=hello world", "PORT=8080", "EXTRA_ARGS=--verbose --color" })
            Assert.Contains(v, env);
        Assert.Contains(env, v => Regex.IsMatch(v, "^NOTIFY_SOCKET=@."));

        // Type=notify: up but not ready until the server sends READY=1.
        WaitLs(b, "webapp", @"^\[\+ \+\+\+ \+\+\+\]  webapp  uptime: [1-9]");
        Assert.False(TestSupport.Perp.Policy(b.Path, "webapp").HasFlag(PolicyFlags.Ready), "ready before READY=1");
        File.WriteAllText(Path.Combine(srv, "ready-now"), "");
        WaitLines(current, "server ready$");
        Wait.Until(() => TestSupport.Perp.Policy(b.Path, "webapp").HasFlag(PolicyFlags.Ready), "webapp Ready after READY=1");
        Assert.Equal(pid, (int)TestSupport.Perp.Status(b.Path, "webapp").Main.Pid);

        // A failure (exit 1): Restart=on-failure restarts it, RestartSec=5 after the exit.
        File.WriteAllText(Path.Combine(srv, "fail-now"), "");
        double failed = At(WaitLines(current, "server failing at=")[0]);
        double restarted = At(WaitLines(current, "server up: ", 2)[1]);
        Assert.True(restarted - failed >= 5, $"restarted {restarted - failed:0.000} s after its exit, RestartSec=5");

        // An unclean end (SIGKILL) is a failure too.
        WaitLines(current, "server ready$", 2);
        WaitLs(b, "webapp", @"^\[\+ \+\+\+ \+\+\+\]  webapp  uptime: [1-9]");
        double killed = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0;
        Assert.Equal(0, Perpctl(b, "k", "webapp").ExitCode);
        double again = At(WaitLines(current, "server up: ", 3)[2]);
        Assert.True(again - killed >= 4.99, $"restarted {again - killed:0.000} s after the kill, RestartSec=5");

        // A clean end (SIGINT, the unit's KillSignal: the server exits 0): on-failure keeps it down.
        WaitLines(current, "server ready$", 3);
        WaitLs(b, "webapp", @"^\[\+ \+\+\+ \+\+\+\]  webapp  uptime: [1-9]");
        Assert.Equal(0, Perpctl(b, "i", "webapp").ExitCode);
        WaitLines(current, "server: SIGINT, clean exit");
        WaitLs(b, "webapp", @"^\[\+ \.\.\. \+\+\+\]  webapp  ");

        // A stop sends KillSignal= (down-signal) to the group, SIGKILL after TimeoutStopSec= (timeout-kill).
        Assert.Equal("SIGINT\n", File.ReadAllText(Path.Combine(b.Service("webapp"), "down-signal")));
        Assert.Equal("30000\n", File.ReadAllText(Path.Combine(b.Service("webapp"), "timeout-kill")));
        Assert.Equal(0, Perpctl(b, "u", "webapp").ExitCode);
        WaitLines(current, "server ready$", 4);
        Assert.Equal(0, Perpctl(b, "d", "webapp").ExitCode);
        WaitLines(current, "server: SIGINT, clean exit", 2);
        WaitLs(b, "webapp", @"^\[\+ \.\.\. \+\+\+\]  webapp  ");
    }
}
