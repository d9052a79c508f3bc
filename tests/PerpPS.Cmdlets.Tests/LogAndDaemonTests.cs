using System.Management.Automation;

namespace PerpPS.Cmdlets.Tests;

public class LogAndDaemonTests(SessionFixture fixture) : IClassFixture<SessionFixture>
{
    private readonly PowerShellSession _ps = fixture.Session;

    [Fact]
    public void Get_PerpLog_reads_archives_then_current_and_tails_across_them()
    {
        using var pb = new PerpBase(p =>
        {
            string logs = Path.Combine(p.Temp.Scratch, "weblog");
            p.Sleeper("web", active: false, rcLog: PerpBase.Script($"exec tinylog -k 3 \"{logs}\""));
            Directory.CreateDirectory(logs);
            File.WriteAllText(Path.Combine(logs, "_20260101T000000.000001.s"), "one\ntwo\n");
            File.WriteAllText(Path.Combine(logs, "_20260102T000000.000001.s"), "three\n");
            File.WriteAllText(Path.Combine(logs, "_20260103T000000.000001.s.Z"), "compressed");
            File.WriteAllText(Path.Combine(logs, "current"), "four\nfive\n");
        });
        var all = _ps.Invoke("Get-PerpLog -Base $args[0] web", pb.Path).ThrowOnError().Output.Select(o => o.ToString()).ToArray();
        Assert.Equal(["one", "two", "three", "four", "five"], all);
        var tail = _ps.Invoke("Get-PerpLog -Base $args[0] web -Tail 4", pb.Path).ThrowOnError().Output.Select(o => o.ToString()).ToArray();
        Assert.Equal(["two", "three", "four", "five"], tail);
    }

    [Fact]
    public void Get_PerpLog_uses_SERVICE_log_by_convention_or_Path_and_reports_a_missing_log()
    {
        using var pb = new PerpBase(p =>
        {
            string dir = p.Sleeper("plain", active: false);
            Directory.CreateDirectory(Path.Combine(dir, "log"));
            File.WriteAllText(Path.Combine(dir, "log", "current"), "by convention\n");
            p.Sleeper("nolog", active: false);
            Directory.CreateDirectory(Path.Combine(p.Temp.Scratch, "elsewhere"));
            File.WriteAllText(Path.Combine(p.Temp.Scratch, "elsewhere", "current"), "by path\n");
        }, startDaemon: false);
        Assert.Equal("by convention", _ps.Invoke("Get-PerpLog -Base $args[0] plain", pb.Path).ThrowOnError().Output.Single().ToString());
        Assert.Equal("by path", _ps.Invoke("Get-PerpLog -Base $args[0] nolog -Path $args[1]", pb.Path, Path.Combine(pb.Temp.Scratch, "elsewhere"))
            .ThrowOnError().Output.Single().ToString());
        var r = _ps.Invoke("Get-PerpLog -Base $args[0] nolog", pb.Path);
        Assert.Equal(["PerpLogNotFound,PerpPS.Cmdlets.GetPerpLogCommand"], r.ErrorIds);
    }

    [Fact]
    public void Get_PerpLog_Wait_follows_new_lines_until_stopped()
    {
        using var pb = new PerpBase(p =>
        {
            string dir = p.Sleeper("web", active: false);
            Directory.CreateDirectory(Path.Combine(dir, "log"));
            File.WriteAllText(Path.Combine(dir, "log", "current"), "old\n");
        }, startDaemon: false);
        using var ps = PowerShell.Create();
        var runspace = System.Management.Automation.Runspaces.RunspaceFactory.CreateRunspace(System.Management.Automation.Runspaces.InitialSessionState.CreateDefault2());
        runspace.Open();
        ps.Runspace = runspace;
        ps.AddScript("Import-Module $args[0]; Get-PerpLog -Base $args[1] web -Tail 1 -Wait").AddArgument(PowerShellSession.ManifestPath).AddArgument(pb.Path);
        var output = new PSDataCollection<PSObject>();
        var lines = new System.Collections.Concurrent.ConcurrentQueue<string>();
        output.DataAdded += (_, e) => lines.Enqueue(output[e.Index].ToString());
        var async = ps.BeginInvoke<PSObject, PSObject>(null, output);
        Wait.Until(() => lines.Contains("old"), "the existing line", PerpBase.Patience);
        File.AppendAllText(Path.Combine(pb.Path, "web", "log", "current"), "new line\n");
        Wait.Until(() => lines.Contains("new line"), "the appended line", PerpBase.Patience);
        ps.Stop();
        Assert.True(async.AsyncWaitHandle.WaitOne(TimeSpan.FromSeconds(10)), "Get-PerpLog -Wait stops");
        runspace.Dispose();
    }

    [Fact]
    public void Start_Get_Stop_PerpDaemon_run_perpd_detached()
    {
        using var tb = new TempBase();
        tb.AddService("web", PerpBase.Script("exec sleep 1000"));
        int pid = 0;
        try
        {
            var started = _ps.Invoke("Start-PerpDaemon -Base $args[0] -DaemonPath $args[1]", tb.Path, RepoPaths.Program("perpd"))
                .ThrowOnError().Single<PerpDaemon>();
            pid = started.Pid;
            Assert.True(started.Running);
            Assert.True(ProcessKiller.IsAlive(pid));
            // Detached: its own session, not the test host's.
            string stat = File.ReadAllText($"/proc/{pid}/stat");
            string[] fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            Assert.Equal(pid.ToString(), fields[3]);
            Assert.Equal(Path.Combine(tb.Path, ".control", "perpd.log"), started.LogPath);

            // Starting again is success and reports the same perpd.
            var again = _ps.Invoke("Start-PerpDaemon -Base $args[0] -DaemonPath $args[1]", tb.Path, RepoPaths.Program("perpd")).ThrowOnError().Single<PerpDaemon>();
            Assert.Equal(pid, again.Pid);

            _ps.Invoke("Wait-PerpService -Base $args[0] web -Timeout 60", tb.Path).ThrowOnError();
            var info = _ps.Invoke("Get-PerpDaemon -Base $args[0]", tb.Path).ThrowOnError().Single<PerpDaemon>();
            Assert.Equal(pid, info.Pid);
            Assert.Equal(1, info.ServiceCount);
            Assert.NotNull(info.Uptime);
            Assert.NotNull(info.StartTime);

            // A service made after start-up runs only if the rescan really happened (no -a).
            tb.AddService("late", Scripts.Forever);
            _ps.Invoke("Invoke-PerpRescan -Base $args[0]", tb.Path).ThrowOnError();
            Wait.Until(() => _ps.Invoke("(Get-PerpService -Base $args[0] late).Pid", tb.Path).ThrowOnError().Output.Single().BaseObject is int late && late > 0,
                "the service made after start-up to be activated by the rescan and run", PerpBase.Patience);
            Assert.Contains("activated new service: late", File.ReadAllText(Path.Combine(tb.Path, ".control", "perpd.log")));

            int servicePid = _ps.Invoke("(Get-PerpService -Base $args[0] web).Pid", tb.Path).ThrowOnError().Output.Single().BaseObject is int p ? p : 0;
            var stopped = _ps.Invoke("Stop-PerpDaemon -Base $args[0] -Confirm:$false -PassThru", tb.Path).ThrowOnError().Single<PerpDaemon>();
            Assert.False(stopped.Running);
            Assert.False(ProcessKiller.IsAlive(pid), File.Exists($"/proc/{pid}/stat") ? File.ReadAllText($"/proc/{pid}/stat") + File.ReadAllText($"/proc/{pid}/status") : "no proc");
            Assert.False(ProcessKiller.IsAlive(servicePid));
            Assert.False(_ps.Invoke("(Get-PerpDaemon -Base $args[0]).Running", tb.Path).ThrowOnError().Output.Single().BaseObject is true);
        }
        finally
        {
            if (pid != 0) ProcessKiller.Stop(pid, TimeSpan.FromSeconds(10));
        }
    }

    [Fact]
    public void Restart_PerpDaemon_re_executes_perpd_in_place_keeping_its_services()
    {
        using var tb = new TempBase();
        tb.AddService("web", PerpBase.Script("exec sleep 1000"), PerpBase.Script("exec cat > /dev/null"));
        int pid = 0;
        var services = new List<int>();
        try
        {
            pid = _ps.Invoke("Start-PerpDaemon -Base $args[0] -DaemonPath $args[1]", tb.Path, RepoPaths.Program("perpd"))
                .ThrowOnError().Single<PerpDaemon>().Pid;
            var before = _ps.Invoke("Wait-PerpService -Base $args[0] web -Timeout 60 -PassThru", tb.Path).ThrowOnError().Single<PerpService>();
            services.AddRange([before.Pid, before.Log!.Pid]);
            Assert.True(before.Pid > 0 && before.Log.Pid > 0, "main and log run");

            var after = _ps.Invoke("Restart-PerpDaemon -Base $args[0] -Confirm:$false -PassThru", tb.Path).ThrowOnError().Single<PerpDaemon>();
            Assert.Equal(pid, after.Pid);
            Assert.True(after.Running);
            Assert.Contains("upgrade: adopting", File.ReadAllText(Path.Combine(tb.Path, ".control", "perpd.log")));
            var now = _ps.Invoke("Get-PerpService -Base $args[0] web", tb.Path).ThrowOnError().Single<PerpService>();
            Assert.Equal(before.Pid, now.Pid);
            Assert.Equal(before.Log.Pid, now.Log!.Pid);

            var missing = _ps.Invoke("try { Restart-PerpDaemon -Base $args[0] -Confirm:$false } catch { $_ }", tb.Root);
            Assert.Contains(missing.Errors.Concat(missing.Output.Select(o => o.BaseObject).OfType<ErrorRecord>()),
                e => e.FullyQualifiedErrorId == "PerpDaemonNotRunning,PerpPS.Cmdlets.RestartPerpDaemonCommand");
        }
        finally
        {
            if (pid != 0) ProcessKiller.Stop(pid, TimeSpan.FromSeconds(15));
            ProcessKiller.KillAll(services);
        }
    }

    [Fact]
    public void Rescan_without_perpd_is_terminating_and_a_missing_perpd_program_is_reported()
    {
        using var tb = new TempBase();
        var r = _ps.Invoke("try { Invoke-PerpRescan -Base $args[0] } catch { $_ }", tb.Path);
        Assert.Equal("PerpDaemonNotRunning,PerpPS.Cmdlets.InvokePerpRescanCommand", ((ErrorRecord)r.Output.Single().BaseObject).FullyQualifiedErrorId);
        var s = _ps.Invoke("try { Start-PerpDaemon -Base $args[0] -DaemonPath /nonexistent/perpd } catch { $_ }", tb.Path);
        Assert.Equal("PerpDaemonProgramNotFound,PerpPS.Cmdlets.StartPerpDaemonCommand", ((ErrorRecord)s.Output.Single().BaseObject).FullyQualifiedErrorId);
    }
}
