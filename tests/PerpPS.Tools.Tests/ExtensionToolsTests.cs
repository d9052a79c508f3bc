using System.Text.Json;
using System.Text.RegularExpressions;
using PerpPS.Core.Interop;
using PerpPS.Core.Posix;

namespace PerpPS.Tools.Tests;

/// <summary>
/// The tools' use of the protocol extension: perpls's bulk request, perpstat's history lines,
/// -j and perpmetrics, against the real perpd and against a stub that speaks only v2 (perp
/// 2.07's perpd answers EPROTO to the new packets).
/// </summary>
public class ExtensionToolsTests
{
    private static Perp Killed(out int oldPid)
    {
        var perp = Perp.Create(b =>
        {
            b.AddService("sleeper", Perp.Sleeper, Perp.Logger);
            b.AddService("standby", Perp.Sleeper, down: true);
        }).Start();
        string line = perp.WaitLs("sleeper", @"^\[\+ \+\+\+ \+\+\+\]");
        oldPid = Perp.MainPid(line);
        Assert.Equal(0, Libc.Kill(oldPid, SignalNames.SIGKILL));
        int old = oldPid;
        Wait.Until(() => perp.Ls("sleeper") is var l && l.StartsWith("[+ +++ +++]") && Perp.MainPid(l) is var p && p != old && p > 0, "restarted");
        return perp;
    }

    [Fact]
    public void Perpstat_appends_history_lines_after_perps_three()
    {
        using var perp = Killed(out _);
        var r = perp.Run("perpstat", "sleeper", "standby");
        Assert.Equal(0, r.ExitCode);
        var expected = new Regex(
            @"^sleeper: activated \d+ seconds\n  main: up \d+ seconds \(pid \d+\)\n   log: up \d+ seconds \(pid \d+\)\n" +
            @"  main history: signal 9 SIGKILL \d+ seconds ago, ran \d+\.\d{3} seconds, restarts 1 \(1 since start\), start failures [01]\n" +
            @"   log history: no exit yet, restarts 0 \(0 since start\), start failures 0\n" +
            // Within half a second of its new start (ready by uptime) the policy line says so.
            @"(  main policy: starting, not ready yet\n)?" + PerpPS.TestSupport.Perp.PerpstatUsagePattern(log: true) +
            @"standby: activated \d+ seconds\n  main: down 46116860\d{11} seconds\n   log: \(no log\)\n" +
            @"  main history: no exit yet, restarts 0 \(0 since start\), start failures 0\n" + PerpPS.TestSupport.Perp.PerpstatUsagePattern(log: false) + "$");
        Assert.True(expected.IsMatch(r.Stdout), r.Stdout);
    }

    [Fact]
    public void Json_of_perpls_and_perpstat_carries_the_extended_fields()
    {
        using var perp = Killed(out int oldPid);
        var ls = perp.Run("perpls", "-j");
        Assert.Equal(0, ls.ExitCode);
        var objects = ls.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToArray();
        Assert.Equal(["sleeper", "standby"], objects.Select(o => o.GetProperty("name").GetString()));
        var main = objects[0].GetProperty("main");
        Assert.True(objects[0].GetProperty("extended").GetBoolean());
        Assert.Equal("up", main.GetProperty("state").GetString());
        Assert.Equal(1, main.GetProperty("restarts").GetInt32());
        var exit = main.GetProperty("lastExit");
        Assert.Equal("killed", exit.GetProperty("kind").GetString());
        Assert.Equal(9, exit.GetProperty("signal").GetInt32());
        Assert.Equal("SIGKILL", exit.GetProperty("signalName").GetString());
        Assert.Equal(JsonValueKind.Null, exit.GetProperty("code").ValueKind);
        Assert.Equal(JsonValueKind.Null, objects[1].GetProperty("log").ValueKind);
        Assert.Equal("down", objects[1].GetProperty("main").GetProperty("state").GetString());

        var stat = perp.Run("perpstat", "-j", "sleeper");
        var one = JsonDocument.Parse(stat.Stdout.Trim()).RootElement;
        Assert.Equal(main.GetProperty("pid").GetInt32(), one.GetProperty("main").GetProperty("pid").GetInt32());
        Assert.NotEqual(oldPid, one.GetProperty("main").GetProperty("pid").GetInt32());
    }

    [Fact]
    public void Perpmetrics_prints_prometheus_families_per_service()
    {
        using var perp = Killed(out _);
        var r = perp.Run("perpmetrics");
        Assert.Equal((0, ""), (r.ExitCode, r.Stderr));
        var lines = r.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Contains("# TYPE perp_restarts_total counter", lines);
        Assert.Contains("# HELP perp_up Whether the sub-service's start target runs (1) or not (0).", lines);
        Assert.Contains("perp_up{service=\"sleeper\",sub=\"main\"} 1", lines);
        Assert.Contains("perp_up{service=\"standby\",sub=\"main\"} 0", lines);
        Assert.Contains("perp_want_up{service=\"standby\",sub=\"main\"} 0", lines);
        Assert.Contains("perp_restarts_total{service=\"sleeper\",sub=\"main\"} 1", lines);
        Assert.Contains("perp_restarts_total{service=\"sleeper\",sub=\"log\"} 0", lines);
        Assert.Contains("perp_last_exit_signal{service=\"sleeper\",sub=\"main\"} 9", lines);
        Assert.DoesNotContain(lines, l => l.StartsWith("perp_last_exit_code{service=\"sleeper\",sub=\"main\"}"));
        Assert.Contains("perp_active{service=\"sleeper\"} 1", lines);
        // Every sample line belongs to a family announced just before it.
        string? family = null;
        foreach (var l in lines)
        {
            if (l.StartsWith("# TYPE ")) family = l.Split(' ')[2];
            else if (!l.StartsWith('#')) Assert.StartsWith(family + "{", l);
        }
    }

    [Fact]
    public void Perpls_asks_perpd_once_for_all_services()
    {
        var perp = Perp.Create(b => { for (int i = 0; i < 30; i++) b.AddService($"s{i:00}", Perp.Sleeper, down: true); }).Start();
        using (perp)
        {
            Wait.Until(() => perp.Ls("s29").StartsWith("[+"), "s29 active");
            // perpd logs every client it serves; one perpls run is one connection and, with the
            // bulk request, its listing still is perp's, line for line.
            var r = perp.Run("perpls");
            var lines = r.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.Equal(30, lines.Length);
            for (int i = 0; i < 30; i++) Assert.Equal($"[+ ... ---]  s{i:00}  uptime: -s/-s  pids: -/-", lines[i]);
        }
    }

    /// <summary>
    /// perpls's panel never shows the cgroup figures, so its L sets flag 0x1 (perpd then reads
    /// no cgroup file, issue #13); perpls -j and perpmetrics show them and ask with flags 0.
    /// </summary>
    [Fact]
    public void Only_perpls_panel_asks_without_the_cgroup_figures()
    {
        using var b = new TempBase();
        b.AddService("sleeper", "x");
        b.AddService("other", "x");
        using var daemon = new ScriptedDaemon(b.Path, [.. Enumerable.Repeat(Wire.CapturedSleeperStatus, 6)]);
        Assert.Equal(0, Tools.Run("perpls", b.Path, "sleeper", "other").ExitCode);
        Assert.Equal(0, Tools.Run("perpls", b.Path, "-j", "sleeper", "other").ExitCode);
        Assert.Equal(0, Tools.Run("perpmetrics", b.Path, "sleeper", "other").ExitCode);
        var lists = daemon.ExtensionRequests;
        Assert.Equal(3, lists.Length);
        Assert.All(lists, l => Assert.Equal((byte)'L', l[1]));
        Assert.Equal(new byte[] { 1, 0, 0 }, lists.Select(l => l[3]).ToArray()); // the flags byte
    }

    [Fact]
    public void Against_a_v2_only_perpd_the_tools_fall_back_to_Q_and_print_perps_output()
    {
        using var b = new TempBase();
        string sleeper = b.AddService("sleeper", "x");
        b.AddService("other", "x");
        using var daemon = new ScriptedDaemon(b.Path, Wire.CapturedSleeperStatus, Wire.CapturedSleeperStatus,
            Wire.CapturedSleeperStatus, Wire.CapturedSleeperStatus, Wire.CapturedSleeperStatus, Wire.CapturedSleeperStatus);
        var ls = Tools.Run("perpls", b.Path, "sleeper", "other");
        Assert.Equal(0, ls.ExitCode);
        Assert.Matches(new Regex(@"^\[\+ \+\+\+ \+\+\+\]  sleeper  uptime: \d+s/\d+s  pids: 17635/17634\n\[\+ \+\+\+ \+\+\+\]  other    uptime"), ls.Stdout);
        Assert.Single(daemon.ExtensionRequests); // one L, answered EPROTO, then one Q each
        Assert.Equal(2, daemon.Requests.Length);

        var stat = Tools.Run("perpstat", b.Path, "sleeper");
        Assert.Matches(new Regex(@"^sleeper: activated \d+ seconds\n  main: up \d+ seconds \(pid 17635\)\n   log: up \d+ seconds \(pid 17634\)\n$"), stat.Stdout);

        var json = JsonDocument.Parse(Tools.Run("perpstat", b.Path, "-j", "sleeper").Stdout.Trim()).RootElement;
        Assert.False(json.GetProperty("extended").GetBoolean());
        Assert.Equal(JsonValueKind.Null, json.GetProperty("main").GetProperty("restarts").ValueKind); // not available
        Assert.Equal(17635, json.GetProperty("main").GetProperty("pid").GetInt32());

        var metrics = Tools.Run("perpmetrics", b.Path, "sleeper").Stdout;
        Assert.Contains("perp_up{service=\"sleeper\",sub=\"main\"} 1", metrics);
        Assert.DoesNotContain("perp_restarts_total", metrics); // no extended families without the extension
        Assert.Equal(Wire.Query(sleeper), daemon.Requests[^1]);
    }
}
