using System.Management.Automation;

namespace PerpPS.Cmdlets.Tests;

public class GetPerpServiceTests(SessionFixture fixture) : IClassFixture<SessionFixture>
{
    private readonly PowerShellSession _ps = fixture.Session;

    [Fact]
    public void Lists_every_service_directory_sorted_with_perps_status()
    {
        using var pb = new PerpBase(p =>
        {
            p.Sleeper("web", rcLog: PerpBase.Script("exec cat >/dev/null"));
            p.Sleeper("standby", down: true);
            p.Sleeper("idle", active: false);
            p.Temp.AddService("oneshot", PerpBase.Script("exit 0"), once: true);
            Directory.CreateDirectory(Path.Combine(p.Path, ".hidden"));
            File.WriteAllText(Path.Combine(p.Path, "afile"), "");
        });
        _ps.WaitServiceStatus(pb.Path, "web", PerpServiceStatus.Up);
        _ps.WaitServiceStatus(pb.Path, "oneshot", PerpServiceStatus.Down);
        var all = _ps.Invoke("Get-PerpService -Base $args[0]", pb.Path).ThrowOnError().All<PerpService>();
        Assert.Equal(["idle", "oneshot", "standby", "web"], all.Select(s => s.Name).ToArray());

        var web = all[3];
        Assert.Equal(PerpServiceStatus.Up, web.Status);
        Assert.True(web.Enabled);
        Assert.True(web.Pid > 0);
        Assert.True(ProcessKiller.IsAlive(web.Pid));
        Assert.NotNull(web.Uptime);
        Assert.NotNull(web.StartTime);
        Assert.True(web.HasLog);
        Assert.NotNull(web.Log);
        Assert.True(web.Log!.Pid > 0);
        Assert.Equal(pb.Daemon!.Pid, web.DaemonPid);
        Assert.Equal(Path.Combine(pb.Path, "web"), web.Path);
        Assert.Equal(pb.Path, web.Base);
        Assert.Equal("[+ +++ +++]", web.Panel);
        Assert.False(web.WantDown);

        var standby = all[2];
        Assert.Equal(PerpServiceStatus.Down, standby.Status);
        Assert.True(standby.WantDown);
        Assert.True(standby.DownAtActivation);
        Assert.Equal(PerpStartupType.Manual, standby.StartupType);
        Assert.Equal(0, standby.Pid);
        Assert.Null(standby.Uptime);
        Assert.Equal("[+ ... ---]", standby.Panel);

        var oneshot = all[1];
        Assert.Equal(PerpServiceStatus.Down, oneshot.Status);
        Assert.True(oneshot.Once);
        Assert.True(oneshot.OnceAtActivation);

        var idle = all[0];
        Assert.Equal(PerpServiceStatus.Inactive, idle.Status);
        Assert.False(idle.Enabled);
        Assert.Equal(0, idle.DaemonPid);
        Assert.Equal("[- --- ---]", idle.Panel);
    }

    [Fact]
    public void Wildcards_match_silently_literals_must_exist_and_duplicates_are_dropped()
    {
        using var pb = new PerpBase(p => { p.Sleeper("web1"); p.Sleeper("web2"); p.Sleeper("db"); });
        var r = _ps.Invoke("Get-PerpService -Base $args[0] -Name 'web*','nothing*','web1','missing'", pb.Path);
        Assert.Null(r.Terminating);
        Assert.Equal(["web1", "web2"], r.All<PerpService>().Select(s => s.Name).ToArray());
        var error = Assert.Single(r.Errors);
        Assert.Equal("PerpServiceNotFound,PerpPS.Cmdlets.GetPerpServiceCommand", error.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.ObjectNotFound, error.CategoryInfo.Category);
        Assert.Equal("missing", error.TargetObject);
    }

    [Fact]
    public void Names_come_from_the_pipeline_by_value_and_by_property_name()
    {
        using var pb = new PerpBase(p => { p.Sleeper("a"); p.Sleeper("b"); });
        var byValue = _ps.Invoke("'a','b' | Get-PerpService -Base $args[0]", pb.Path).ThrowOnError().All<PerpService>();
        Assert.Equal(["a", "b"], byValue.Select(s => s.Name).ToArray());
        var byName = _ps.Invoke("[pscustomobject]@{ ServiceName = 'b'; Base = $args[0] } | Get-PerpService", pb.Path).ThrowOnError().All<PerpService>();
        Assert.Equal("b", Assert.Single(byName).Name);
    }

    [Fact]
    public void Missing_perpd_is_one_terminating_error()
    {
        using var pb = new PerpBase(p => p.Sleeper("web"), startDaemon: false);
        // Statement-terminating: try/catch sees it (a non-terminating error would not be caught),
        // and the second name is never tried.
        var r = _ps.Invoke("try { Get-PerpService -Base $args[0] web, other; 'continued' } catch { $_ }", pb.Path);
        var error = (ErrorRecord)Assert.Single(r.Output).BaseObject;
        Assert.Equal("PerpDaemonNotRunning,PerpPS.Cmdlets.GetPerpServiceCommand", error.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.ResourceUnavailable, error.CategoryInfo.Category);
        Assert.Contains("perpd", error.Exception.Message);
    }

    [Fact]
    public void Base_defaults_to_PERP_BASE_and_a_relative_base_follows_the_session_location()
    {
        using var pb = new PerpBase(p => p.Sleeper("web"));
        string? saved = Environment.GetEnvironmentVariable("PERP_BASE");
        try
        {
            Environment.SetEnvironmentVariable("PERP_BASE", pb.Path);
            var r = _ps.Invoke("Get-PerpService web").ThrowOnError();
            Assert.Equal(pb.Path, r.Single<PerpService>().Base);
        }
        finally
        {
            Environment.SetEnvironmentVariable("PERP_BASE", saved);
        }
        _ps.SetLocation(pb.Temp.Root);
        try
        {
            var r = _ps.Invoke("Get-PerpService -Base base web").ThrowOnError();
            Assert.Equal(pb.Path, r.Single<PerpService>().Base);
        }
        finally
        {
            _ps.SetLocation("/");
        }
    }

    [Fact]
    public void A_stopped_service_reads_as_down_and_a_sticky_unscanned_one_as_activating()
    {
        using var pb = new PerpBase(p => p.Sleeper("web"));
        _ps.WaitServiceStatus(pb.Path, "web", PerpServiceStatus.Up);
        pb.Sleeper("late");
        // Sticky but perpd has not rescanned: perpd answers ENOTDIR.
        var late = _ps.GetService(pb.Path, "late");
        Assert.Equal(PerpServiceStatus.Activating, late.Status);
        Assert.True(late.Enabled);
        // The same from a listing (which stats only what perpd does not know), beside an
        // inactive directory.
        pb.Sleeper("idle", active: false);
        var all = _ps.Invoke("Get-PerpService -Base $args[0]", pb.Path).ThrowOnError().All<PerpService>();
        Assert.Equal(["idle", "late", "web"], all.Select(s => s.Name).ToArray());
        Assert.Equal((PerpServiceStatus.Inactive, false, "[- --- ---]"), (all[0].Status, all[0].Enabled, all[0].Panel));
        Assert.Equal((PerpServiceStatus.Activating, true, "[E --- ---]"), (all[1].Status, all[1].Enabled, all[1].Panel));
        Assert.Equal((PerpServiceStatus.Up, true), (all[2].Status, all[2].Enabled));
    }

    [Fact]
    public void A_listed_supervised_services_Enabled_is_its_sticky_bit_when_first_looked_at()
    {
        using var pb = new PerpBase(p =>
        {
            p.Sleeper("a");
            p.Sleeper("b");
        });
        _ps.WaitServiceStatus(pb.Path, "a", PerpServiceStatus.Up);
        var all = _ps.Invoke("Get-PerpService -Base $args[0]", pb.Path).ThrowOnError().All<PerpService>();
        Assert.True(all[0].Enabled);
        // perpd has not rescanned: it still supervises b, whose bit is now clear.
        pb.Temp.SetActive("a", false);
        pb.Temp.SetActive("b", false);
        Assert.True(all[0].Enabled); // kept from the first look
        Assert.False(all[1].Enabled); // read at the first look
        Assert.Equal(PerpServiceStatus.Up, all[1].Status);
    }

    [SkippableFact]
    public void A_service_directory_that_is_a_mount_point_is_listed_with_perpds_status()
    {
        Capabilities.RequireRoot("mount --bind");
        // The service "mnt" is a directory bind-mounted over an empty one of the base: its
        // directory entry carries the covered directory's inode, stat() the mounted one's,
        // which is what perpd knows it by.
        string? mountError = null;
        string covered = "";
        using var pb = new PerpBase(p =>
        {
            p.Sleeper("web");
            string source = Path.Combine(p.Temp.Scratch, "mnt-source");
            Directory.CreateDirectory(source);
            TempBase.WriteScript(Path.Combine(source, "rc.main"), PerpBase.Script("exec sleep 1000"));
            File.SetUnixFileMode(source, File.GetUnixFileMode(source) | UnixFileMode.StickyBit);
            covered = p.Temp.Service("mnt");
            Directory.CreateDirectory(covered);
            var r = ToolRunner.Run("/bin/mount", ["--bind", source, covered]);
            if (r.ExitCode != 0) mountError = r.Stderr.Trim();
        });
        try
        {
            Skip.If(mountError != null, $"cannot bind-mount here: {mountError}");
            _ps.WaitServiceStatus(pb.Path, "mnt", PerpServiceStatus.Up);
            int pid = _ps.GetService(pb.Path, "mnt").Pid;
            var all = _ps.Invoke("Get-PerpService -Base $args[0]", pb.Path).ThrowOnError().All<PerpService>();
            var mnt = Assert.Single(all, s => s.Name == "mnt");
            Assert.Equal(PerpServiceStatus.Up, mnt.Status);
            Assert.Equal(pid, mnt.Pid);
            Assert.True(mnt.Enabled);
        }
        finally
        {
            // Lazily: perpd (stopped next, by pid) still holds the service directory open.
            if (mountError == null) ToolRunner.Run("/bin/umount", ["-l", covered]);
        }
    }
}
