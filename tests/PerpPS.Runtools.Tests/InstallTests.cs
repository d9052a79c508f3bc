namespace PerpPS.Runtools.Tests;

/// <summary>install.sh into a temp PREFIX, then the installed programs at work.</summary>
public sealed class InstallTests : IDisposable
{
    private readonly TempBase _temp = new();

    public void Dispose() => _temp.Dispose();

    private static ToolResult Install(string prefix, string? destdir = null)
    {
        var env = new Dictionary<string, string?>
        {
            ["PREFIX"] = prefix, ["DESTDIR"] = destdir, ["PERPPS_BIN"] = RepoPaths.BinDirectory,
        };
        return Bin.Run(Path.Combine(Repo.Root, "install.sh"), Array.Empty<string>(), env: env);
    }

    [Fact]
    public void Installs_programs_links_scripts_module_and_unit_then_they_run_from_there()
    {
        string prefix = Path.Combine(_temp.Scratch, "prefix");
        var r = Install(prefix);
        Assert.True(r.ExitCode == 0, r.ToString());
        string sbin = Path.Combine(prefix, "sbin");
        foreach (string name in MultiCallTests.Names.Concat(new[] { "perpd", "perpctl", "perpls", "perpstat", "perpok", "perphup", "perp-setup", "tinylog_run" }))
            Assert.True(File.Exists(Path.Combine(sbin, name)), name + " installed");
        string unit = File.ReadAllText(Path.Combine(prefix, "lib/systemd/system/perpd.service"));
        Assert.Contains($"ExecStart={sbin}/perpd -a 6 /etc/perp", unit);
        Assert.DoesNotContain("@SBINDIR@", unit);
        if (File.Exists(Path.Combine(Repo.Root, "module/Perp.psd1")) && Directory.Exists(Path.Combine(Repo.Root, "module/bin")))
            Assert.True(File.Exists(Path.Combine(prefix, "share/powershell/Modules/Perp/Perp.psd1")));

        // The installed perpd supervises a service logging through the installed tinylog,
        // found on a PATH that holds only the prefix and the system.
        // Runscripts that end their reset at once: a reset that ran the service again would
        // outlast perpd's stop below, and a SIGKILLed perpd leaves its cgroup behind.
        string svc = _temp.AddService("logged", "[ \"$1\" = start ] || exit 0\necho from installed service\nexec sleep 30\n",
            "[ \"$1\" = start ] || exit 0\nexec tinylog ./log\n");
        var env = new Dictionary<string, string?> { ["PATH"] = sbin + ":/usr/bin:/bin" };
        var psi = new System.Diagnostics.ProcessStartInfo(Path.Combine(sbin, "perpd")) { UseShellExecute = false, RedirectStandardError = true };
        psi.ArgumentList.Add(_temp.Path);
        psi.Environment["PATH"] = env["PATH"];
        psi.Environment.Remove("PERP_BASE");
        using var perpd = System.Diagnostics.Process.Start(psi)!;
        perpd.ErrorDataReceived += (_, _) => { };
        perpd.BeginErrorReadLine();
        var started = new List<int>();
        try
        {
            string current = Path.Combine(svc, "log", "current");
            Wait.Until(() => File.Exists(current) && File.ReadAllText(current).Contains("from installed service"), "service output through installed tinylog");
            started.AddRange(ProcFs.DescendantsOf(perpd.Id));
            var ls = Bin.Run(Path.Combine(sbin, "perpls"), new[] { "-b", _temp.Path, "logged" }, env: env);
            Assert.Equal(0, ls.ExitCode);
            Assert.Contains("logged", ls.Stdout);
            var runenv = Bin.Run(Path.Combine(sbin, "runenv"), new[] { "-i", "-", "/usr/bin/env" }, env: env, stdin: "X=1\n");
            Assert.Equal("X=1\n", runenv.Stdout);
        }
        finally
        {
            ProcessKiller.Stop(perpd.Id, TimeSpan.FromSeconds(10));
            ProcessKiller.KillAll(started);
        }
    }

    [Fact]
    public void Destdir_prefixes_every_path_but_not_what_the_unit_says()
    {
        string dest = Path.Combine(_temp.Scratch, "stage");
        var r = Install("/usr", dest);
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.True(File.Exists(Path.Combine(dest, "usr/sbin/tinylog")));
        string unit = File.ReadAllText(Path.Combine(dest, "usr/lib/systemd/system/perpd.service"));
        Assert.Contains("ExecStart=/usr/sbin/perpd -a 6 /etc/perp", unit);
        Assert.Contains("[Install]\nWantedBy=multi-user.target", unit);
    }
}
