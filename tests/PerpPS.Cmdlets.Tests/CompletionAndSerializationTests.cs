using System.Collections;
using System.Management.Automation;
using System.Xml.Linq;

namespace PerpPS.Cmdlets.Tests;

public class CompletionAndSerializationTests(SessionFixture fixture) : IClassFixture<SessionFixture>
{
    private readonly PowerShellSession _ps = fixture.Session;

    private List<string> Complete(string line) =>
        _ps.Invoke("(TabExpansion2 -inputScript $args[0] -cursorColumn $args[0].Length).CompletionMatches | ForEach-Object CompletionText", line)
            .ThrowOnError().Output.Select(o => o.ToString()).ToList();

    [Fact]
    public void Service_names_complete_through_TabExpansion2_and_are_quoted_when_needed()
    {
        using var pb = new PerpBase(p => { p.Sleeper("web1", active: false); p.Sleeper("web2", active: false); p.Sleeper("db", active: false); p.Sleeper("my app", active: false); }, startDaemon: false);
        Assert.Equal(["web1", "web2"], Complete($"Start-PerpService -Base {pb.Path} -Name we"));
        Assert.Equal(["db"], Complete($"Get-PerpService -Base {pb.Path} d"));
        Assert.Equal(["'my app'"], Complete($"Stop-PerpService -Base {pb.Path} my"));
        Assert.Equal(["db", "'my app'", "web1", "web2"], Complete($"Get-PerpLog -Base {pb.Path} -Name "));
        // Enum parameters complete too.
        Assert.Contains("HUP", Complete("Send-PerpSignal -Signal H"));
    }

    [Fact]
    public void PerpService_survives_serialization_with_its_log()
    {
        using var pb = new PerpBase(p => p.Sleeper("web", rcLog: PerpBase.Script("exec cat >/dev/null")));
        _ps.Invoke("Wait-PerpService -Base $args[0] web -Timeout 60", pb.Path).ThrowOnError();
        Wait.Until(() => _ps.Invoke("(Get-PerpService -Base $args[0] web).Log.Status", pb.Path).Output.Single().ToString() == "Up", "log up", PerpBase.Patience);
        var r = _ps.Invoke(@"
            $s = Get-PerpService -Base $args[0] web
            $xml = [System.Management.Automation.PSSerializer]::Serialize($s)
            $d = [System.Management.Automation.PSSerializer]::Deserialize($xml)
            [pscustomobject]@{
                Type = $d.GetType().FullName; Name = $d.Name; Status = [string]$d.Status; StatusIsUp = ($d.Status -eq 'Up')
                Pid = $d.Pid; Uptime = $d.Uptime; Base = $d.Base; LogPid = $d.Log.Pid; LogStatus = [string]$d.Log.Status
                HasLog = $d.HasLog; StartTime = $d.StartTime; Original = $s
            }", pb.Path).ThrowOnError();
        var o = r.Output.Single();
        var original = (PerpService)((PSObject)o.Properties["Original"].Value).BaseObject;
        // Rehydrated into the real type because the module is loaded here.
        Assert.Equal("PerpPS.Cmdlets.PerpService", o.Properties["Type"].Value);
        Assert.Equal("web", o.Properties["Name"].Value);
        Assert.Equal("Up", o.Properties["Status"].Value);
        Assert.Equal(true, o.Properties["StatusIsUp"].Value);
        Assert.Equal(original.Pid, o.Properties["Pid"].Value);
        Assert.Equal(original.Uptime, o.Properties["Uptime"].Value);
        Assert.Equal(pb.Path, o.Properties["Base"].Value);
        Assert.Equal(original.Log!.Pid, o.Properties["LogPid"].Value);
        Assert.Equal("Up", o.Properties["LogStatus"].Value);
        Assert.Equal(true, o.Properties["HasLog"].Value);
        Assert.Equal(original.StartTime, o.Properties["StartTime"].Value);
    }

    [Fact]
    public void Without_the_module_a_deserialized_service_keeps_its_values()
    {
        using var pb = new PerpBase(p => p.Sleeper("web"));
        _ps.Invoke("Wait-PerpService -Base $args[0] web -Timeout 60", pb.Path).ThrowOnError();
        string xml = (string)_ps.Invoke("[System.Management.Automation.PSSerializer]::Serialize((Get-PerpService -Base $args[0] web))", pb.Path)
            .ThrowOnError().Output.Single().BaseObject;
        // A client without Perp (e.g. the receiving end of Invoke-Command that never imported it).
        using var bare = System.Management.Automation.PowerShell.Create(System.Management.Automation.Runspaces.InitialSessionState.CreateDefault2());
        bare.AddScript("$d = [System.Management.Automation.PSSerializer]::Deserialize($args[0]); $d.PSObject.TypeNames[0]; [string]$d.Status; $d.Name; $d.Pid").AddArgument(xml);
        var r = bare.Invoke();
        Assert.Equal("Deserialized.PerpPS.Cmdlets.PerpService", r[0].BaseObject);
        // The name travels as the enum's ToString: [string]$_.Status -eq 'Up' works anywhere.
        Assert.Equal("Up", r[1].BaseObject);
        Assert.Equal("web", r[2].BaseObject);
        Assert.True((int)r[3].BaseObject > 0);
    }

    [Fact]
    public void Deserialized_services_pipe_into_actions_by_property_name()
    {
        // What arrives from Invoke-Command: a property bag, not a PerpService.
        using var pb = new PerpBase(p => p.Sleeper("web", down: true));
        var r = _ps.Invoke(@"
            $d = [System.Management.Automation.PSSerializer]::Deserialize([System.Management.Automation.PSSerializer]::Serialize((Get-PerpService -Base $args[0] web)))
            $d | Start-PerpService -PassThru", pb.Path).ThrowOnError();
        Assert.Equal(PerpServiceStatus.Up, r.Single<PerpService>().Status);
    }

    [Fact]
    public void PerpDaemon_survives_serialization()
    {
        using var pb = new PerpBase(p => p.Sleeper("web"));
        var r = _ps.Invoke(@"
            $d = [System.Management.Automation.PSSerializer]::Deserialize([System.Management.Automation.PSSerializer]::Serialize((Get-PerpDaemon -Base $args[0])))
            $d.Pid, $d.Running, $d.GetType().FullName", pb.Path).ThrowOnError();
        Assert.Equal(pb.Daemon!.Pid, r.Output[0].BaseObject);
        Assert.Equal(true, r.Output[1].BaseObject);
        Assert.Equal("PerpPS.Cmdlets.PerpDaemon", r.Output[2].BaseObject);
    }

    [Fact]
    public void The_default_table_reads_like_perpls()
    {
        // Bare SMA has no Format-Table/Out-String: run the view's own script blocks on a live object.
        using var pb = new PerpBase(p => { p.Sleeper("web", rcLog: PerpBase.Script("exec cat >/dev/null")); p.Sleeper("standby", down: true); });
        Wait.Until(() => _ps.Invoke("(Get-PerpService -Base $args[0] web).Log.Status", pb.Path).Output.Single().ToString() == "Up"
                         && _ps.Invoke("(Get-PerpService -Base $args[0] web).Status", pb.Path).Output.Single().ToString() == "Up", "web and log up", PerpBase.Patience);
        var view = XDocument.Load(Path.Combine(ModulePaths.ModuleDirectory, "Perp.format.ps1xml")).Descendants("View")
            .First(v => v.Element("Name")!.Value == "PerpService" && v.Element("TableControl") != null);
        var labels = view.Descendants("TableColumnHeader").Select(h => h.Element("Label")!.Value).ToArray();
        Assert.Equal(["Panel", "Name", "Status", "Uptime", "Pids", "Policy"], labels);
        var blocks = view.Descendants("ScriptBlock").Select(b => b.Value).ToArray();
        string Render(string name, string block) =>
            _ps.Invoke("$_ = Get-PerpService -Base $args[0] $args[1]; & ([scriptblock]::Create($args[2]))", pb.Path, name, block).ThrowOnError().Output.Single().ToString()!;
        var web = _ps.Invoke("Get-PerpService -Base $args[0] web", pb.Path).Single<PerpService>();
        Assert.Matches(@"^\d+s/\d+s$", Render("web", blocks[0]));
        Assert.Matches(@"^\d+/\d+$", Render("web", blocks[1]));
        Assert.Equal("-s/-s", Render("standby", blocks[0]));
        Assert.Equal("-/-", Render("standby", blocks[1]));
        Assert.StartsWith(web.Pid + "/", Render("web", blocks[1]));
        Assert.Equal("", Render("web", blocks[2])); // no policy to speak of: an empty column
    }
}
