namespace PerpPS.Runtools.Tests;

/// <summary>perp-setup (spec §11.2) on temp roots, and the boot it prepares with the real perpd.</summary>
public sealed class PerpSetupTests : IDisposable
{
    private readonly TempBase _temp = new();
    private readonly List<int> _leftovers = new();

    public void Dispose()
    {
        ProcessKiller.KillAll(_leftovers);
        _temp.Dispose();
    }

    [Fact]
    public void With_destdir_writes_the_boot_files_and_leaves_new_versions_beside_existing_ones()
    {
        string dest = Path.Combine(_temp.Scratch, "root");
        var env = new Dictionary<string, string?> { ["DESTDIR"] = dest, ["PERP_BASE"] = null, ["PERP_CTL"] = null };
        var r = Bin.Run(Bin.Path("perp-setup"), Array.Empty<string>(), env: env);
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Matches(@"^perp-setup\(\d+\): ", r.Stderr);
        string boot = Path.Combine(dest, "etc/perp/.boot");
        Assert.Equal("/var/run/perp", new FileInfo(Path.Combine(dest, "etc/perp/.control")).LinkTarget);
        Assert.Equal((UnixFileMode)0b111_101_101, LogDir.Mode(Path.Combine(boot, "rc.perp")));
        Assert.Equal((UnixFileMode)0b111_101_101, LogDir.Mode(Path.Combine(boot, "rc.log")));
        Assert.Equal((UnixFileMode)0b110_100_100, LogDir.Mode(Path.Combine(boot, "rlimit.conf")));
        Assert.Contains("exec runchoom runlimit -F ./rlimit.conf perpd -a6 $PERP_BASE", File.ReadAllText(Path.Combine(boot, "rc.perp")));
        Assert.Contains("tinylog -k 8 -s 100000 -t -z /var/log/perpd", File.ReadAllText(Path.Combine(boot, "rc.log")));
        Assert.Contains("RLIMIT_NOFILE = ^", File.ReadAllText(Path.Combine(boot, "rlimit.conf")));
        Assert.Contains("RLIMIT_NPROC = ^", File.ReadAllText(Path.Combine(boot, "rlimit.conf")));

        File.WriteAllText(Path.Combine(boot, "rc.log"), "#!/bin/sh\n# mine\n");
        var again = Bin.Run(Bin.Path("perp-setup"), new[] { "/etc/perp", "/run/perp" }, env: env);
        Assert.Equal(0, again.ExitCode);
        Assert.Equal("#!/bin/sh\n# mine\n", File.ReadAllText(Path.Combine(boot, "rc.log")));
        Assert.True(File.Exists(Path.Combine(boot, "rc.log.new")));
        Assert.True(File.Exists(Path.Combine(boot, "rc.perp.new")));
        Assert.Equal("/var/run/perp", new FileInfo(Path.Combine(dest, "etc/perp/.control")).LinkTarget);
    }

    [Fact]
    public void The_prepared_boot_runs_the_real_perpd_under_perpboot()
    {
        string baseDir = Path.Combine(_temp.Scratch, "base");
        string ctl = Path.Combine(_temp.Scratch, "ctl");
        string log = Path.Combine(_temp.Scratch, "perpdlog");
        Directory.CreateDirectory(ctl);
        var env = new Dictionary<string, string?>
        {
            ["NO_INIT"] = "1", ["PERP_LOGDIR"] = log, ["SBINDIR"] = RepoPaths.BinDirectory, ["DESTDIR"] = null,
        };
        var r = Bin.Run(Bin.Path("perp-setup"), new[] { baseDir, ctl }, env: env);
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal(ctl, new FileInfo(Path.Combine(baseDir, ".control")).LinkTarget);

        string svc = Path.Combine(baseDir, "svc");
        Directory.CreateDirectory(svc);
        TempBase.WriteScript(Path.Combine(svc, "rc.main"), "exec sleep 30\n");
        File.SetUnixFileMode(svc, File.GetUnixFileMode(svc) | UnixFileMode.StickyBit);

        using var boot = Proc.Start("perpboot", new[] { baseDir });
        try
        {
            Wait.Until(() => File.Exists(Path.Combine(log, "current")) && LogDir.Current(log).Contains("activated new service: svc"),
                "perpd started by perpboot, logging through tinylog");
            Assert.True(File.Exists(Path.Combine(ctl, "perpd.sock")));
            _leftovers.AddRange(ProcFs.DescendantsOf(boot.Pid));
            Assert.Matches(@"\d{8}T\d{6}\.\d{6}: perpd\[\d+\]: starting on " + baseDir, LogDir.Current(log));
            boot.Signal(15);
            Assert.Equal(0, boot.WaitExit(TimeSpan.FromSeconds(30)));
            Wait.Until(() => _leftovers.All(p => !ProcessKiller.IsAlive(p)), "perpd, its service and the logger gone");
        }
        finally
        {
            _leftovers.AddRange(ProcFs.DescendantsOf(boot.Pid));
        }
    }
}
