using PerpPS.Core.Import;

namespace PerpPS.Tools.Tests.Import;

/// <summary>
/// What the converters write for each format (file level): the runscripts, the flag files,
/// the policy files under #10's names, and a warning naming the source line for everything
/// that is not carried over.
/// </summary>
public sealed class ImportConversionTests
{
    [Fact]
    public void Runit_service_gets_rc_main_wrapping_run_finish_with_runits_arguments_rc_log_flag_down_and_check()
    {
        var svc = ServiceImporter.Import(ImportFixture.Path_("runit/web"), ImportFixture.Options()).Single();
        Assert.Equal(("web", ImportFormat.Runit), (svc.Name, svc.Format));
        string rc = ImportFixture.Text(svc, "rc.main");
        Assert.Contains("exec " + Path.Combine(RepoPaths.BinDirectory, "runenv") + " ./env ./run\n", rc);
        Assert.Contains("if [ \"$3\" = exit ]; then code=$4 sig=0; else code=-1 sig=$4; fi\n", rc);
        Assert.Contains("./finish \"$code\" \"$sig\"\n", rc);
        Assert.Contains("cd ./log || exit 111\n    exec ./run\n", ImportFixture.Text(svc, "rc.log"));
        Assert.True(svc.Has("flag.down") && svc.Has("check") && svc.Has("env/GREETING") && svc.Has("log/run"));
        Assert.False(svc.Has("down"), "down becomes flag.down");
        Assert.DoesNotContain(svc.Files, f => f.RelativePath.StartsWith("supervise"));
        Assert.Equal(ServiceFile.Executable, svc.Files.Single(f => f.RelativePath == "check").Mode);
        Assert.Empty(svc.Warnings);
    }

    [Fact]
    public void Runit_tools_not_installed_and_control_files_are_warnings_naming_the_line()
    {
        var svc = ServiceImporter.Import(ImportFixture.Path_("runit/svlogd-app"), ImportFixture.Options()).Single();
        var texts = svc.Warnings.Select(w => w.ToString()).ToList();
        Assert.Contains(texts, w => w.StartsWith(ImportFixture.Path_("runit/svlogd-app/run") + ":3: uses chpst"));
        Assert.Contains(texts, w => w.StartsWith(ImportFixture.Path_("runit/svlogd-app/log/run") + ":2: uses svlogd") && w.Contains("tinylog"));
        Assert.Contains(texts, w => w.StartsWith(ImportFixture.Path_("runit/svlogd-app/control/t") + ": runit's control/t"));
    }

    [Fact]
    public void S6_policy_files_keep_their_names_finish_gets_256_and_dependencies_d_becomes_dependencies()
    {
        var svc = ServiceImporter.Import(ImportFixture.Path_("s6/cache"), ImportFixture.Options()).Single();
        Assert.Equal(ImportFormat.S6, svc.Format);
        Assert.Equal("3\n", ImportFixture.Text(svc, "notification-fd"));
        Assert.Equal("5000\n", ImportFixture.Text(svc, "timeout-kill"));
        Assert.Equal("SIGINT\n", ImportFixture.Text(svc, "down-signal"));
        Assert.Equal("db\n", ImportFixture.Text(svc, "dependencies"));
        string rc = ImportFixture.Text(svc, "rc.main");
        Assert.Contains("else code=256 sig=$4; fi", rc);
        Assert.Contains("[ $? = 125 ] && " + Path.Combine(RepoPaths.BinDirectory, "perpctl") + " -q d \"$(pwd)\"", rc);
        var w = Assert.Single(svc.Warnings);
        Assert.Equal((ImportFixture.Path_("s6/cache/timeout-finish"), 0), (w.SourceFile, w.Line));
    }

    [Fact]
    public void Daemontools_down_and_log_run_with_multilog_warned()
    {
        var clock = ServiceImporter.Import(ImportFixture.Path_("daemontools/clock"), ImportFixture.Options()).Single();
        Assert.Equal(ImportFormat.Daemontools, clock.Format);
        Assert.True(clock.Has("rc.log") && clock.Has("log/run"));
        Assert.Contains(clock.Warnings, w => w.Line == 2 && w.Message.StartsWith("uses multilog"));
        var ntp = ServiceImporter.Import(ImportFixture.Path_("daemontools/ntpclient"), ImportFixture.Options()).Single();
        Assert.True(ntp.Has("flag.down"));
        Assert.False(ntp.Has("rc.log"));
    }

    [Fact]
    public void Systemd_notify_unit_maps_user_environment_limits_restart_and_stop_policy()
    {
        var svc = ServiceImporter.Import(ImportFixture.Path_("systemd/webapp.service"), ImportFixture.Options()).Single();
        Assert.Equal(("webapp", ImportFormat.Systemd), (svc.Name, svc.Format));
        string bin = RepoPaths.BinDirectory;
        string rc = ImportFixture.Text(svc, "rc.main");
        // The identity, readiness (Type=notify) and limits come after all of the environment, the
        // optional EnvironmentFile=- included; runlimit last, runnotify after runuid.
        Assert.Contains($"set -- {bin}/runuid -s -g @GROUP@ @USER@ {bin}/runnotify -d 3 {bin}/runlimit -o 4096 ./run\n", rc);
        Assert.Contains($"[ -r @DIR@/webapp.local.env ] && set -- {bin}/runenv @DIR@/webapp.local.env \"$@\"\n", rc);
        Assert.Contains($"exec {bin}/runenv ./environment {bin}/runenv @DIR@/webapp.env \"$@\"\n", rc);
        Assert.Equal("3\n", ImportFixture.Text(svc, "notification-fd"));
        // Restart=on-failure: a clean end keeps it down; RestartSec=5 waits before a restart.
        Assert.Contains($"'exit 0'|'signal 1'|'signal 2'|'signal 13'|'signal 15') {bin}/perpctl -q d \"$(pwd)\" ;;", rc);
        Assert.Contains("*) sleep 5 ;;", rc);
        Assert.Equal("MODE=production\nGREETING=hello world\n", ImportFixture.Text(svc, "environment").Split('\n', 2)[1]);
        string run = ImportFixture.Text(svc, "run");
        Assert.Contains("cd @DIR@/srv || exit 200\n", run);
        Assert.Contains("/bin/mkdir -p @DIR@/srv/cache || exit $?\n", run);
        Assert.Contains("exec /bin/sh @DIR@/srv/server.sh --port \"${PORT}\" $EXTRA_ARGS\n", run);
        Assert.Equal("30000\n", ImportFixture.Text(svc, "timeout-kill"));
        Assert.Equal("SIGINT\n", ImportFixture.Text(svc, "down-signal"));
        Assert.Equal("db\ncache\n", ImportFixture.Text(svc, "dependencies"));
        Assert.False(svc.Has("flag.once"));
        Assert.Contains("tinylog -t log", ImportFixture.Text(svc, "rc.log"));
        string unit = ImportFixture.Path_("systemd/webapp.service");
        var lines = svc.Warnings.Where(w => w.SourceFile == unit).Select(w => (w.Line, w.Message.Split(' ')[0])).ToList();
        Assert.Contains((19, "ExecReload="), lines);
        Assert.Contains((25, "PrivateTmp="), lines);
        Assert.Contains((26, "NoNewPrivileges="), lines);
        // The fixture's EnvironmentFile= (not instantiated here) does not exist: said, since the start would fail.
        Assert.Contains((13, "@DIR@/webapp.env"), lines);
        // The rest of Type=notify … LimitNOFILE= (lines 9-18, 20-24) is carried over: no warning names it.
        Assert.DoesNotContain(lines, l => l.Line is >= 9 and <= 18 and not 13 or >= 20 and <= 24);
    }

    [Fact]
    public void Systemd_forking_unit_writes_pidfile_and_restart_no_writes_flag_once()
    {
        var forking = ServiceImporter.Import(ImportFixture.Path_("systemd/forking.service"), ImportFixture.Options()).Single();
        Assert.Equal("/run/forking.pid\n", ImportFixture.Text(forking, "pidfile"));
        Assert.False(forking.Has("flag.once"));
        string dir = Directory.CreateTempSubdirectory("perpps-unit-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(dir, "oneshot.service"), "[Service]\nExecStart=/bin/true\nKillMode=mixed\n");
            var once = ServiceImporter.Import(Path.Combine(dir, "oneshot.service"), ImportFixture.Options()).Single();
            Assert.True(once.Has("flag.once"), "Restart= defaults to no");
            Assert.Contains(once.Warnings, w => w.Line == 3 && w.Message.StartsWith("KillMode=mixed"));
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Fact]
    public void Systemd_notify_unit_runs_through_runnotify_unless_notify_access_is_none()
    {
        string bin = RepoPaths.BinDirectory;
        string dir = Directory.CreateTempSubdirectory("perpps-unit-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(dir, "plain.service"), "[Service]\nType=notify\nExecStart=/usr/bin/app\n");
            var plain = ServiceImporter.Import(Path.Combine(dir, "plain.service"), ImportFixture.Options()).Single();
            Assert.Contains($"exec {bin}/runnotify -d 3 ./run\n", ImportFixture.Text(plain, "rc.main"));
            Assert.Equal("3\n", ImportFixture.Text(plain, "notification-fd"));
            Assert.Empty(plain.Warnings);

            File.WriteAllText(Path.Combine(dir, "deaf.service"), "[Service]\nType=notify\nNotifyAccess=none\nExecStart=/usr/bin/app\n");
            var deaf = ServiceImporter.Import(Path.Combine(dir, "deaf.service"), ImportFixture.Options()).Single();
            Assert.DoesNotContain("runnotify", ImportFixture.Text(deaf, "rc.main"));
            Assert.False(deaf.Has("notification-fd"));
            Assert.Contains(deaf.Warnings, w => w.Line == 3 && w.Message.StartsWith("NotifyAccess=none"));

            File.WriteAllText(Path.Combine(dir, "simple.service"), "[Service]\nExecStart=/usr/bin/app\n");
            var simple = ServiceImporter.Import(Path.Combine(dir, "simple.service"), ImportFixture.Options()).Single();
            Assert.DoesNotContain("runnotify", ImportFixture.Text(simple, "rc.main"));
            Assert.False(simple.Has("notification-fd"));
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Fact]
    public void Systemd_command_lines_keep_systemd_word_rules()
    {
        // Quotes only group words: systemd substitutes ${A} inside them too.
        var warnings = new List<string>();
        var cmd = SystemdCommand.Parse("-/usr/bin/app --name=\"%n x\" '${A}' ${B}/c $C $$HOME a$D %Z",
            c => c == 'n' ? "app.service" : null, warnings.Add);
        Assert.True(cmd.IgnoreFailure);
        Assert.Equal(["/usr/bin/app", "'--name=app.service x'", "\"${A}\"", "\"${B}\"/c", "$C", "'$HOME'", "'a$D'", "%Z"], cmd.Words);
        Assert.True(cmd.Splits);
        Assert.Contains(warnings, w => w.Contains("%Z"));
    }

    [Fact]
    public void Procfile_lines_become_services_with_foremans_port_and_the_dotenv()
    {
        var services = ServiceImporter.Import(ImportFixture.Path_("procfile"), ImportFixture.Options());
        Assert.Equal(["web", "worker"], services.Select(s => s.Name));
        Assert.EndsWith("APP_ENV=staging\nSECRET=s3cr et\nPORT=5000\n", ImportFixture.Text(services[0], "environment"));
        Assert.EndsWith("PORT=5100\n", ImportFixture.Text(services[1], "environment"));
        Assert.EndsWith("\necho \"web on port $PORT in $APP_ENV\"; exec sleep 1000\n", ImportFixture.Text(services[0], "run"));
        Assert.EndsWith("\nexec sleep 1000\n", ImportFixture.Text(services[1], "run"));
    }

    [Fact]
    public void A_name_renames_a_single_import_and_is_refused_for_several()
    {
        Assert.Equal("frontend", ServiceImporter.Import(ImportFixture.Path_("runit/web"), ImportFixture.Options(name: "frontend")).Single().Name);
        var e = Assert.Throws<ImportException>(() => ServiceImporter.Import(ImportFixture.Path_("procfile"), ImportFixture.Options(name: "x")));
        Assert.Contains("single service", e.Message);
    }

    [Fact]
    public void Perp_import_writes_the_directories_and_w_writes_nothing()
    {
        using var b = new TempBase();
        var dry = ImportFixture.PerpImport("-b", b.Path, "-w", ImportFixture.Path_("runit/web"));
        Assert.Equal(0, dry.ExitCode);
        Assert.StartsWith("would import runit " + ImportFixture.Path_("runit/web") + " as " + b.Service("web") + ": ", dry.Stdout);
        Assert.Empty(Directory.EnumerateFileSystemEntries(b.Path));

        var r = ImportFixture.PerpImport("-b", b.Path, "-e", ImportFixture.Path_("runit/web"), ImportFixture.Path_("runit/svlogd-app"));
        Assert.Equal(0, r.ExitCode);
        Assert.Equal($"imported runit {ImportFixture.Path_("runit/web")} as {b.Service("web")} (enabled)\n" +
                     $"imported runit {ImportFixture.Path_("runit/svlogd-app")} as {b.Service("svlogd-app")} (enabled)\n", r.Stdout);
        // svlogd named in log/run is warned about unless runit is installed here (then it runs as it is).
        string svlogdWarning = $"perp-import: warning: {ImportFixture.Path_("runit/svlogd-app/log/run")}:2: uses svlogd";
        if (OnPath("svlogd")) Assert.DoesNotContain(svlogdWarning, r.Stderr);
        else Assert.Contains(svlogdWarning, r.Stderr);
        Assert.EndsWith("perp-import: warning: perpd is not running on " + b.Path + ": the services start when it does\n", r.Stderr);
        Assert.True(File.GetUnixFileMode(b.Service("web")).HasFlag(UnixFileMode.StickyBit));
        Assert.Equal(File.ReadAllText(ImportFixture.Path_("runit/web/run")), File.ReadAllText(Path.Combine(b.Service("web"), "run")));
        Assert.Empty(Directory.EnumerateDirectories(b.Path, ".*"));

        var again = ImportFixture.PerpImport("-b", b.Path, ImportFixture.Path_("runit/web"));
        Assert.Equal((111, $"perp-import: error: web: '{b.Service("web")}' exists already\n"), (again.ExitCode, again.Stderr));
        var usage = ImportFixture.PerpImport("-f", "upstart", "x");
        Assert.Equal(100, usage.ExitCode);
        Assert.StartsWith("perp-import usage error: unknown format 'upstart'", usage.Stderr);
    }

    private static bool OnPath(string program) =>
        ImportFixture.Environment()["PATH"]!.Split(':').Any(d => File.Exists(Path.Combine(d, program)));
}
