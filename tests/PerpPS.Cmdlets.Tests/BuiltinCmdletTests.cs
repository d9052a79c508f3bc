using System.Text.Json;
using PerpPS.TestSupport;

namespace PerpPS.Cmdlets.Tests;

/// <summary>
/// The module's objects through PowerShell's own cmdlets (issue #12 item 2), in the engine
/// Microsoft.PowerShell.SDK hosts: Where-Object, Export-/Import-Clixml, Format-Table and
/// Format-List with the module's views, ConvertTo-Json.
/// </summary>
public class BuiltinCmdletTests(SessionFixture fixture) : IClassFixture<SessionFixture>
{
    private readonly PowerShellSession _ps = fixture.Session;

    private static PerpBase WebAndStandby() => new(p =>
    {
        p.Sleeper("web", rcLog: PerpBase.Script("exec cat >/dev/null"));
        p.Sleeper("standby", down: true);
    });

    private void WaitWebAndLogUp(PerpBase pb) =>
        Wait.Until(() => _ps.GetService(pb.Path, "web") is { Status: PerpServiceStatus.Up, Log.Status: PerpServiceStatus.Up },
            "web and its log up", PerpBase.Patience);

    [Fact]
    public void Where_Object_filters_on_Status_by_name_both_ways()
    {
        using var pb = WebAndStandby();
        WaitWebAndLogUp(pb);
        var up = _ps.Invoke("Get-PerpService -Base $args[0] | Where-Object Status -eq Up | ForEach-Object Name", pb.Path).ThrowOnError();
        Assert.Equal(["web"], up.Output.Select(o => o.ToString()).ToArray());
        var notUp = _ps.Invoke("Get-PerpService -Base $args[0] | Where-Object Status -ne 'Up' | ForEach-Object Name", pb.Path).ThrowOnError();
        Assert.Equal(["standby"], notUp.Output.Select(o => o.ToString()).ToArray());
    }

    [Fact]
    public void Export_and_Import_Clixml_rehydrate_a_live_PerpService_with_its_log()
    {
        using var pb = WebAndStandby();
        WaitWebAndLogUp(pb);
        string file = Path.Combine(pb.Temp.Scratch, "services.xml");
        var r = _ps.Invoke("""
            Get-PerpService -Base $args[0] | Export-Clixml -Path $args[1]
            $back = Import-Clixml -Path $args[1] | Where-Object Name -eq web
            $back.PSObject.TypeNames[0]
            $back.Status.GetType().FullName
            $back.Log.Pid
            ($back | Where-Object Status -eq Up).Name
            """, pb.Path, file).ThrowOnError();
        // The module's types data (PerpObjectConverter) turns the XML back into the real type.
        Assert.Equal("PerpPS.Cmdlets.PerpService", r.Output[0].ToString());
        Assert.Equal("PerpPS.Cmdlets.PerpServiceStatus", r.Output[1].ToString());
        Assert.Equal(_ps.GetService(pb.Path, "web").Log!.Pid, Convert.ToInt32(r.Output[2].BaseObject, System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal("web", r.Output[3].ToString());
    }

    [Fact]
    public void Format_Table_uses_the_perpls_like_view_for_live_and_deserialized_objects()
    {
        using var pb = WebAndStandby();
        WaitWebAndLogUp(pb);
        var web = _ps.GetService(pb.Path, "web");
        var r = _ps.Invoke("""
            $s = Get-PerpService -Base $args[0] web
            $s | Format-Table | Out-String -Width 200
            [System.Management.Automation.PSSerializer]::Deserialize([System.Management.Automation.PSSerializer]::Serialize($s)) | Format-Table | Out-String -Width 200
            """, pb.Path).ThrowOnError();
        Assert.Equal(2, r.Output.Count);
        foreach (var table in r.Output.Select(o => o.ToString()))
        {
            var lines = table.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            Assert.Matches(@"^Panel\s+Name\s+Status\s+Uptime\s+Pids\s+Policy$", lines[0]);
            Assert.Matches($@"^\[\+ \+\+\+ \+\+\+\] web\s+Up\s+\d+s/\d+s\s+{web.Pid}/{web.Log!.Pid}$", lines[2]);
        }
    }

    [Fact]
    public void Format_List_shows_the_history_fields()
    {
        using var pb = WebAndStandby();
        WaitWebAndLogUp(pb);
        string list = _ps.Invoke("Get-PerpService -Base $args[0] web | Format-List | Out-String -Width 200", pb.Path).ThrowOnError().Output.Single().ToString();
        foreach (string field in new[] { "LastExitKind", "LastExitCode", "LastSignal", "LastExitTime", "LastRunTime", "Restarts", "StartFailures" })
            Assert.Matches($@"(?m)^{field}\s*:", list);
        Assert.Matches(@"(?m)^Restarts\s*:\s*0\s*$", list);
    }

    [Fact]
    public void ConvertTo_Json_names_enums_and_writes_ISO_8601_times()
    {
        using var pb = WebAndStandby();
        WaitWebAndLogUp(pb);
        var web = _ps.GetService(pb.Path, "web");
        // The object from before the kill is piped (a fresh read may already show the restart).
        _ps.Invoke("$s = Get-PerpService -Base $args[0] web; Send-PerpSignal -Base $args[0] web KILL; $s | Wait-PerpService -NewProcess -Timeout 60", pb.Path).ThrowOnError();
        string json = _ps.Invoke("Get-PerpService -Base $args[0] web | ConvertTo-Json -Depth 3", pb.Path).ThrowOnError().Output.Single().ToString();
        using var doc = JsonDocument.Parse(json);
        var root = doc.RootElement;
        Assert.Equal("Up", root.GetProperty("Status").GetString());
        Assert.Equal("Killed", root.GetProperty("LastExitKind").GetString());
        Assert.Equal(9, root.GetProperty("LastSignal").GetInt32());
        Assert.Equal(1, root.GetProperty("Restarts").GetInt32());
        Assert.NotEqual(web.Pid, root.GetProperty("Pid").GetInt32());
        // ISO 8601 with an offset, as ConvertTo-Json writes a DateTime.
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?([+-]\d\d:\d\d|Z)$", root.GetProperty("LastExitTime").GetString()!);
        Assert.Equal("Up", root.GetProperty("Log").GetProperty("Status").GetString());
    }
}
