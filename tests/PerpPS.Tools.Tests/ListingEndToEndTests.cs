using System.Text.RegularExpressions;

namespace PerpPS.Tools.Tests;

/// <summary>perpls, perpstat and perpok against the real perpd.</summary>
public class ListingEndToEndTests
{
    private static Perp Standard() => Perp.Create(b =>
    {
        b.AddService("sleeper", Perp.Sleeper, Perp.Logger);
        b.AddService("idle", Perp.Sleeper, active: false);
        b.AddService("standby", Perp.Sleeper, down: true);
        File.WriteAllText(Path.Combine(b.Path, "README"), "");
        Directory.CreateDirectory(Path.Combine(b.Path, ".hidden"));
    }).Start();

    [Fact]
    public void Listing_of_a_base_sorted_by_name_with_every_kind_of_row()
    {
        using var perp = Standard();
        perp.WaitLs("sleeper", @"^\[\+ \+\+\+ \+\+\+\]");
        var r = perp.Run("perpls");
        Assert.Equal(0, r.ExitCode);
        Assert.Equal("", r.Stderr);
        Assert.Matches(new Regex(
            @"^\[- --- ---\]  idle     \(service not activated\)\n" +
            @"\[\+ \+\+\+ \+\+\+\]  sleeper  uptime: \d+s/\d+s  pids: (\d+)/(\d+)\n" +
            @"\[\+ \.\.\. ---\]  standby  uptime: -s/-s  pids: -/-\n$"), r.Stdout);

        var reversed = perp.Run("perpls", "-r").Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(["standby", "sleeper", "idle"], reversed.Select(l => l[13..20].Trim()));

        var byArgs = perp.Run("perpls", "standby", "nosuch", "README", "idle").Stdout;
        Assert.Equal(
            "[+ ... ---]  standby  uptime: -s/-s  pids: -/-\n" +
            "[E --- ---]  nosuch   error: failure stat() on service directory [ENOENT]\n" +
            "[E --- ---]  README   error: not a directory [ENOTDIR]\n" +
            "[- --- ---]  idle     (service not activated)\n", byArgs);
    }

    [Fact]
    public void Perpstat_reports_and_pids_agree_with_perpls()
    {
        using var perp = Standard();
        string line = perp.WaitLs("sleeper", @"^\[\+ \+\+\+ \+\+\+\]");
        var r = perp.Run("perpstat", "sleeper", "standby", "idle", "nosuch", "README");
        Assert.Equal(0, r.ExitCode);
        Assert.Matches(new Regex(
            @"^sleeper: activated \d+ seconds\n" +
            $@"  main: up \d+ seconds \(pid {Perp.MainPid(line)}\)\n" +
            $@"   log: up \d+ seconds \(pid {Perp.LogPid(line)}\)\n" +
            // PerpPS's perpd speaks the extension: perp's three lines, then the history lines.
            @"  main history: no exit yet, restarts 0 \(0 since start\), start failures 0\n" +
            @"   log history: no exit yet, restarts 0 \(0 since start\), start failures 0\n" +
            PerpPS.TestSupport.Perp.PerpstatUsagePattern(log: true) +
            @"standby: activated \d+ seconds\n" +
            @"  main: down 46116860\d{11} seconds\n" +
            @"   log: \(no log\)\n" +
            @"  main history: no exit yet, restarts 0 \(0 since start\), start failures 0\n" +
            PerpPS.TestSupport.Perp.PerpstatUsagePattern(log: false) +
            @"idle: not activated\n$"), r.Stdout);
        Assert.Equal("nosuch: error: service directory not found\nREADME: error: not a directory\n", r.Stderr);

        var usage = perp.Run("perpstat");
        Assert.Equal((100, "perpstat usage error: missing argument\nusage: perpstat [-hV] [-b basedir] sv [sv ...]\n"),
            (usage.ExitCode, usage.Stderr));
    }

    [Fact]
    public void Perpok_exit_codes()
    {
        using var perp = Standard();
        perp.WaitLs("sleeper", @"^\[\+ \+\+\+ \+\+\+\]");
        Assert.Equal(0, perp.Run("perpok", "sleeper").ExitCode);
        Assert.Equal(0, perp.Run("perpok", "standby").ExitCode);

        var idle = perp.Run("perpok", "-v", "idle");
        Assert.Equal((1, "perpok: idle: fail: service directory idle not activated\n"), (idle.ExitCode, idle.Stderr));
        var nosuch = perp.Run("perpok", "nosuch");
        Assert.Equal((111, "perpok fatal: failure stat() on service directory nosuch: file does not exist (ENOENT)\n"),
            (nosuch.ExitCode, nosuch.Stderr));
        var file = perp.Run("perpok", "README");
        Assert.Equal((100, "perpok usage error: argument not a directory: README\nusage: perpok [-hV] [-b basedir] [-u secs] [-v] sv\n"),
            (file.ExitCode, file.Stderr));
        var standby = perp.Run("perpok", "-v", "-u", "1", "standby");
        Assert.Equal((1, "perpok: standby: fail: service not running (pid is 0)\n"), (standby.ExitCode, standby.Stderr));
        var notMet = perp.Run("perpok", "-v", "-u100", "sleeper");
        Assert.Equal((1, "perpok: sleeper: fail: service uptime not met\n"), (notMet.ExitCode, notMet.Stderr));
        Wait.Until(() => perp.Run("perpok", "-u", "1", "sleeper").ExitCode == 0, "sleeper one second old");
        var bad = perp.Run("perpok", "-u", "1x", "sleeper");
        Assert.Equal(100, bad.ExitCode);
        Assert.StartsWith("perpok usage error: non-numeric argument found for option -u 1x\n", bad.Stderr);
        Assert.Equal(0, perp.Run("perpok", "-u", "", "sleeper").ExitCode);

        // Sticky but not yet scanned: perpd answers ENOTDIR, which perpok calls fatal.
        perp.Base.AddService("fresh", Perp.Sleeper);
        var fresh = perp.Run("perpok", "fresh");
        Assert.Equal((111, "perpok fatal: error reported in reply from perpd control socket: not a directory (ENOTDIR)\n"),
            (fresh.ExitCode, fresh.Stderr));
        Assert.Equal("[E --- ---]  fresh  error: error reported in status reply [ENOTDIR]", perp.Ls("fresh"));
        var ctl = perp.Run("perpctl", "u", "fresh");
        Assert.Equal((111, "error: fresh: error reported in reply: file does not exist (ENOENT)\n"), (ctl.ExitCode, ctl.Stderr));
    }

    [Fact]
    public void Colour_when_forced_and_the_capability_report()
    {
        using var perp = Standard();
        perp.WaitLs("sleeper", @"^\[\+ \+\+\+ \+\+\+\]");
        string colored = perp.Run("perpls", "-G", "standby", "idle").Stdout;
        Assert.Equal("[+ ... ---]  \u001b[00m\u001b[01;34mstandby\u001b[00m  uptime: -s/-s  pids: -/-\n" +
                     "[- --- ---]  \u001b[00m\u001b[00midle   \u001b[00m  (service not activated)\n", colored);

        // Not a terminal: PERPLS_COLORS alone does not colour, -K is then ignored.
        var env = new Dictionary<string, string?> { ["PERPLS_COLORS"] = "na=35" };
        Assert.Equal("[- --- ---]  idle  (service not activated)\n", Tools.RunWith("perpls", perp.Path, env, "-K", "idle").Stdout);
        var caps = Tools.RunWith("perpls", perp.Path, env, "-GK");
        Assert.Equal((0, "", "perpls: color capabilities: na=35\n"), (caps.ExitCode, caps.Stdout, caps.Stderr));
        var builtIn = perp.Run("perpls", "-G", "-K");
        Assert.Equal("perpls: color capabilities: df=00:na=00:an=01:ar=01;33:ap=01;33:ad=01;34:wu=01;33:wd=01;33:er=01;31:ex=01;31\n", builtIn.Stderr);
        Assert.Equal("[- --- ---]  idle  (service not activated)\n", perp.Run("perpls", "-G", "-g", "idle").Stdout);
    }

    [Fact]
    public void Base_options_and_environment()
    {
        using var perp = Standard();
        perp.WaitLs("sleeper", @"^\[\+ \+\+\+ \+\+\+\]");
        string elsewhere = perp.Base.Scratch;
        Assert.Contains("idle", Tools.Run("perpls", elsewhere, "-b", perp.Path).Stdout);
        var env = new Dictionary<string, string?> { ["PERP_BASE"] = perp.Path };
        Assert.Contains("idle", Tools.RunWith("perpls", elsewhere, env).Stdout);
        // -c: the current directory even when PERP_BASE is set.
        Assert.Contains("idle", Tools.RunWith("perpls", perp.Path, new Dictionary<string, string?> { ["PERP_BASE"] = elsewhere }, "-c").Stdout);
        // An empty PERP_BASE: perpls and perpctl use ".", perpstat and perpok chdir("") and fail.
        var empty = new Dictionary<string, string?> { ["PERP_BASE"] = "" };
        Assert.Contains("idle", Tools.RunWith("perpls", perp.Path, empty).Stdout);
        Assert.Contains("idle", Tools.Run("perpls", perp.Path, "-b", "").Stdout);
        var stat = Tools.RunWith("perpstat", perp.Path, empty, "idle");
        Assert.Equal((111, "perpstat fatal: fail chdir() to : file does not exist (ENOENT)\n"), (stat.ExitCode, stat.Stderr));
        var ok = Tools.RunWith("perpok", perp.Path, empty, "idle");
        Assert.Equal((111, "perpok fatal: failure chdir() to : file does not exist (ENOENT)\n"), (ok.ExitCode, ok.Stderr));
        // A relative base (a deliberate fix: perp's tools fail here).
        string relative = Path.GetRelativePath(elsewhere, perp.Path);
        Assert.Contains("[- --- ---]  idle", Tools.Run("perpls", elsewhere, "-b", relative, "idle").Stdout);
        Assert.Equal(0, Tools.Run("perpok", elsewhere, "-b", relative, "sleeper").ExitCode);
        var missing = Tools.Run("perpls", elsewhere, "-b", "nowhere");
        Assert.Equal((111, "perpls fatal: unable to chdir() to nowhere: file does not exist (ENOENT)\n"), (missing.ExitCode, missing.Stderr));
    }

    [Fact]
    public void Colour_from_PERPLS_COLORS_on_a_terminal()
    {
        using var perp = Standard();
        // script(1) gives perpls a pseudo-terminal for standard output.
        var env = new Dictionary<string, string?> { ["PERPLS_COLORS"] = "na=35:ad=36" };
        var tty = Tools.RunWith("/usr/bin/script", perp.Path, env, "-qec", RepoPaths.Program("perpls") + " idle standby", "/dev/null");
        Assert.Equal(0, tty.ExitCode);
        Assert.Equal("[- --- ---]  \u001b[00m\u001b[35midle   \u001b[00m  (service not activated)\r\n" +
                     "[+ ... ---]  \u001b[00m\u001b[36mstandby\u001b[00m  uptime: -s/-s  pids: -/-\r\n", tty.Stdout);
        var plain = Tools.RunWith("/usr/bin/script", perp.Path, env, "-qec", RepoPaths.Program("perpls") + " -g idle", "/dev/null");
        Assert.Equal("[- --- ---]  idle  (service not activated)\r\n", plain.Stdout);
    }

    [Fact]
    public void Uptime_order_with_t_puts_the_youngest_first()
    {
        using var perp = Perp.Create(b =>
        {
            b.AddService("old", Perp.Sleeper);
            b.AddService("young", Perp.Sleeper, active: false);
            b.AddService("idle", Perp.Sleeper, active: false);
        }).Start();
        perp.WaitLs("old", @"uptime: ([3-9]|\d\d+)s/");
        Assert.Equal(0, perp.Run("perpctl", "-q", "A", "young").ExitCode);
        perp.WaitLs("young", @"uptime: [1-9]\d*s/");
        static string[] Names(ToolResult r) => r.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l[13..].Split(' ')[0]).ToArray();
        Assert.Equal(["idle", "old", "young"], Names(perp.Run("perpls")));
        Assert.Equal(["idle", "young", "old"], Names(perp.Run("perpls", "-t")));
        Assert.Equal(["old", "young", "idle"], Names(perp.Run("perpls", "-rt")));
        Assert.Equal(["young", "idle", "old"], Names(perp.Run("perpls", "young", "idle", "old")));
    }
}
