using System.Globalization;
using System.Text.RegularExpressions;
using PerpPS.TestSupport;

namespace PerpPS.Tools.Tests.Import;

/// <summary>
/// Imported definitions started under the real perpd, their behaviour observed: the env,
/// the user, the working directory and limits; finish run with the exit code and signal its
/// supervisor would pass; log lines landing in the logger's files; flag.down; Restart= and
/// RestartSec= of a unit. Readiness (notification-fd), timeout-kill and down-signal are
/// PerpPS policy files of #10, checked at file level in <see cref="ImportConversionTests"/>.
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

        // SIGTERM: run traps it and exits 3; finish gets "3 0" as runsv would pass it; runit restarts.
        WaitLs(b, "web", @"^\[\+ \+\+\+ \+\+\+\]  web  uptime: [1-9]");
        Assert.Equal(0, Perpctl(b, "t", "web").ExitCode);
        WaitLines(current, @"^web finished: code=3 signal=0$");
        WaitLines(current, @"^web starting: ", 2);

        // SIGKILL: finish gets -1 and the signal number.
        WaitLs(b, "web", @"^\[\+ \+\+\+ \+\+\+\]  web  uptime: [1-9]");
        Assert.Equal(0, Perpctl(b, "k", "web").ExitCode);
        WaitLines(current, @"^web finished: code=-1 signal=9$");
        Assert.Equal(0, Perpctl(b, "d", "web").ExitCode);
        WaitLs(b, "web", @"^\[\+ \.\.\. \+\+\+\]  web  ");
    }

    [Fact]
    public void S6_finish_gets_256_and_the_signal_and_exit_125_keeps_it_down()
    {
        using var b = new TempBase();
        string src = ImportFixture.Instantiate("s6/cache", Path.Combine(b.Scratch, "cache"), new Dictionary<string, string>());
        // This finish asks s6 not to restart after a SIGKILL (exit 125).
        File.AppendAllText(Path.Combine(src, "finish"), "[ \"$2\" = 9 ] && exit 125\nexit 0\n");
        Assert.Equal(0, ImportFixture.PerpImport("-b", b.Path, "-e", "-L", src).ExitCode);
        TempBase.WriteScript(Path.Combine(b.Service("cache"), "rc.log"), "[ \"$1\" = start ] && exec cat >> ../cache.log\nexit 0\n");
        // Its dependencies.d names base and db: present, so the dependency wait is passed.
        b.AddService("base", Scripts.Forever);
        b.AddService("db", Scripts.Forever);
        using var perpd = Perpd(b);
        string log = Path.Combine(b.Path, "cache.log");
        WaitLines(log, "^cache starting$");
        WaitLs(b, "cache", @"^\[\+ \+\+\+ \+\+\+\]  cache  uptime: [1-9]");
        Assert.Equal(0, Perpctl(b, "t", "cache").ExitCode);
        WaitLines(log, "^cache finished: 256 15$");
        WaitLines(log, "^cache starting$", 2);
        WaitLs(b, "cache", @"^\[\+ \+\+\+ \+\+\+\]  cache  uptime: [1-9]");
        Assert.Equal(0, Perpctl(b, "k", "cache").ExitCode);
        WaitLines(log, "^cache finished: 256 9$");
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

    [SkippableFact]
    public void Systemd_unit_runs_as_its_user_with_its_environment_and_restarts_on_failure_after_restart_sec()
    {
        // User= goes through runuid, which needs root: skipped otherwise. The user goes at the end.
        using var accounts = new TestAccounts();
        string user = "perppsimport";
        accounts.AddUser(user, "nogroup");
        using var b = new TempBase();
        File.SetUnixFileMode(b.Root, (UnixFileMode)0b111_101_101);
        File.SetUnixFileMode(b.Scratch, (UnixFileMode)0b111_101_101);
        string dir = Path.Combine(b.Scratch, "app");
        ImportFixture.Instantiate("systemd", dir, new Dictionary<string, string> { ["@DIR@"] = dir, ["@USER@"] = user, ["@GROUP@"] = "nogroup" });
        File.SetUnixFileMode(dir, (UnixFileMode)0b111_101_101);
        Assert.Equal(0, ToolRunner.Run("/bin/chown", user, Path.Combine(dir, "srv")).ExitCode);

        var r = ImportFixture.PerpImport("-b", b.Path, "-e", Path.Combine(dir, "webapp.service"));
        Assert.Equal(0, r.ExitCode);
        Assert.Contains("webapp.service:9: Type=notify", r.Stderr);
        // Requires=db and Wants=cache (both After=) became its dependencies: present here.
        b.AddService("db", Scripts.Forever);
        b.AddService("cache", Scripts.Forever);
        using var perpd = Perpd(b);
        string current = Path.Combine(b.Service("webapp"), "log", "current");
        string up = WaitLines(current, "server up: ")[0];
        Assert.True(Regex.IsMatch(up, $@" server up: user={user} mode=production greeting=hello world args=--port 8080 --verbose --color nofile=4096 cwd={Regex.Escape(dir)}/srv at="), up);
        Assert.True(Directory.Exists(Path.Combine(dir, "srv", "cache")), "ExecStartPre= ran");

        // An unclean end (SIGKILL): Restart=on-failure restarts it, RestartSec=5 after the exit.
        WaitLs(b, "webapp", @"^\[\+ \+\+\+ \+\+\+\]  webapp  uptime: [1-9]");
        double killed = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0;
        Assert.Equal(0, Perpctl(b, "k", "webapp").ExitCode);
        string again = WaitLines(current, "server up: ", 2)[1];
        double started = double.Parse(Regex.Match(again, @"at=(\d+\.\d+)").Groups[1].Value, CultureInfo.InvariantCulture);
        Assert.True(started - killed >= 4.9, $"restarted {started - killed:0.000} s after the kill, RestartSec=5");

        // A clean end (SIGINT, the unit's KillSignal: the server exits 0): on-failure keeps it down.
        WaitLs(b, "webapp", @"^\[\+ \+\+\+ \+\+\+\]  webapp  uptime: [1-9]");
        Assert.Equal(0, Perpctl(b, "i", "webapp").ExitCode);
        WaitLines(current, "server: SIGINT, clean exit");
        WaitLs(b, "webapp", @"^\[\+ \.\.\. \+\+\+\]  webapp  ");
    }
}
