using System.Net.Sockets;

namespace PerpPS.Tools.Tests;

/// <summary>What each tool says when perpd is not there, and usage errors (spec §6.3, §7–§10, §14).</summary>
public class ErrorEndToEndTests
{
    [Fact]
    public void No_socket_is_ENOENT_for_every_client()
    {
        using var b = new TempBase();
        b.AddService("sv", Perp.Sleeper);
        string sock = $"{b.Path}/.control/perpd.sock";
        var ctl = Tools.Run("perpctl", b.Root, "-b", b.Path, "u", "sv");
        Assert.Equal((111, $"perpctl fatal: failure connecting to perpd control socket {sock}: file does not exist (ENOENT)\n"), (ctl.ExitCode, ctl.Stderr));
        var ls = Tools.Run("perpls", b.Path);
        Assert.Equal((111, "", "perpls fatal: failure connecting to perpd control socket ./.control/perpd.sock: file does not exist (ENOENT)\n"),
            (ls.ExitCode, ls.Stdout, ls.Stderr));
        var stat = Tools.Run("perpstat", b.Path, "sv");
        Assert.Equal((111, "perpstat fatal: failure connecting to perpd control socket ./.control/perpd.sock: file does not exist (ENOENT)\n"), (stat.ExitCode, stat.Stderr));
        var ok = Tools.Run("perpok", b.Path, "sv");
        Assert.Equal((111, "perpok fatal: failure connecting to perpd control socket ./.control/perpd.sock: file does not exist (ENOENT)\n"), (ok.ExitCode, ok.Stderr));
        var hup = Tools.Run("perphup", b.Root, b.Path);
        Assert.Equal((111, $"perphup fatal: perpd not running on {b.Path}: no lock active on {b.Path}/.control/perpd.pid\n"), (hup.ExitCode, hup.Stderr));
    }

    [Fact]
    public void Stale_socket_after_perpd_exit_is_ECONNREFUSED()
    {
        using var perp = Perp.Create(b => b.AddService("sv", Perp.Sleeper)).Start();
        perp.WaitLs("sv", @"\+\+\+");
        var hup = perp.Run("perphup", "-t", perp.Path);
        Assert.Equal((0, $"perphup: SIGTERM for perpd on {perp.Path}\n"), (hup.ExitCode, hup.Stderr));
        Assert.Equal(0, perp.Daemon!.WaitForExit());
        Assert.True(File.Exists(Path.Combine(perp.Path, ".control", "perpd.sock")), "perpd leaves its socket");

        var ctl = perp.Run("perpctl", "d", "sv");
        Assert.Equal((111, "perpctl fatal: perpd not running on control socket ./.control/perpd.sock: connection refused (ECONNREFUSED)\n"), (ctl.ExitCode, ctl.Stderr));
        var ls = perp.Run("perpls");
        Assert.Equal((111, "", "perpls fatal: perpd not running on control socket ./.control/perpd.sock: connection refused (ECONNREFUSED)\n"), (ls.ExitCode, ls.Stdout, ls.Stderr));
        Assert.Equal(111, perp.Run("perpstat", "sv").ExitCode);
        Assert.Equal(111, perp.Run("perpok", "sv").ExitCode);
        var again = perp.Run("perphup", "-q", perp.Path);
        Assert.Equal((111, $"perphup fatal: perpd not running on {perp.Path}: no lock active on {perp.Path}/.control/perpd.pid\n"), (again.ExitCode, again.Stderr));
    }

    [Fact]
    public void Perphup_triggers_a_rescan_quietly_or_not()
    {
        using var perp = Perp.Create(b => b.AddService("later", Perp.Sleeper, active: false)).Start();
        perp.Base.SetActive("later", true);
        var quiet = Tools.RunWith("perphup", perp.Base.Root, new Dictionary<string, string?> { ["PERP_BASE"] = perp.Path }, "-q");
        Assert.Equal((0, ""), (quiet.ExitCode, quiet.Stderr));
        perp.WaitLs("later", @"^\[\+ \+\+\+ ---\]  later  uptime: \d+s/-s  pids: \d+/-$");
        var loud = perp.Run("perphup", ".");
        Assert.Equal((0, "perphup: perpd rescan triggered on .\n"), (loud.ExitCode, loud.Stderr));
        var relative = Tools.Run("perphup", perp.Base.Root, "base");
        Assert.Equal((0, "perphup: perpd rescan triggered on base\n"), (relative.ExitCode, relative.Stderr));
        Assert.False(perp.Daemon!.HasExited);
    }

    [SkippableFact]
    public void Perphup_defaults_to_etc_perp()
    {
        Capabilities.RequireRoot("unshare -m and mount -t tmpfs");
        // The test owns /etc: in a private mount namespace an empty tmpfs covers it, so
        // /etc/perp is first absent (ENOENT), then a directory without a perpd (no lock), on
        // any machine, whatever the real /etc holds. Needs root (CI is), as unshare -m does.
        var r = ToolRunner.Run("/usr/bin/unshare", ["-m", "--propagation", "private", "/bin/sh", "-c", """
            mount -t tmpfs perpps-test /etc || exit 99
            "$0" -q; echo "rc=$?" >&2
            mkdir /etc/perp && "$0" -q; echo "rc=$?" >&2
            """, RepoPaths.Program("perphup")]);
        // 99: the tmpfs could not be mounted; unshare's own message: no mount namespace here.
        Skip.If(r.ExitCode == 99 || r.Stderr.StartsWith("unshare:", StringComparison.Ordinal), $"no private mount namespace with a tmpfs here: {r.Stderr.Trim()}");
        Assert.True(r.ExitCode == 0, $"unshare/mount failed ({r.ExitCode}): {r.Stderr}");
        Assert.Equal("perphup fatal: failure chdir() to /etc/perp: file does not exist (ENOENT)\nrc=111\n"
            + "perphup fatal: perpd not running on /etc/perp: no lock active on /etc/perp/.control/perpd.pid\nrc=111\n", r.Stderr);
    }

    [Theory]
    [InlineData("perpctl", new string[0], "perpctl: usage error: missing arguments\nusage: perpctl [-hV] [-b basedir] [-g] [-L] [-q] [ADUXduopcahikqtw12] sv [sv ...]\n")]
    [InlineData("perpctl", new[] { "Z", "sv" }, "perpctl usage error: unknown control command 'Z'\nusage: perpctl [-hV] [-b basedir] [-g] [-L] [-q] [ADUXduopcahikqtw12] sv [sv ...]\n")]
    [InlineData("perpctl", new[] { "exit", "sv" }, "perpctl usage error: unknown control command 'exit'\nusage: perpctl [-hV] [-b basedir] [-g] [-L] [-q] [ADUXduopcahikqtw12] sv [sv ...]\n")]
    [InlineData("perpctl", new[] { "u" }, "perpctl usage error: missing argument: no service(s) specified\nusage: perpctl [-hV] [-b basedir] [-g] [-L] [-q] [ADUXduopcahikqtw12] sv [sv ...]\n")]
    [InlineData("perpctl", new[] { "-x", "u", "sv" }, "perpctl usage error: invalid option: -x\nusage: perpctl [-hV] [-b basedir] [-g] [-L] [-q] [ADUXduopcahikqtw12] sv [sv ...]\n")]
    [InlineData("perpctl", new[] { "-b" }, "perpctl usage error: missing argument for option -b\nusage: perpctl [-hV] [-b basedir] [-g] [-L] [-q] [ADUXduopcahikqtw12] sv [sv ...]\n")]
    [InlineData("perpctl", new[] { "-?" }, "usage: perpctl [-hV] [-b basedir] [-g] [-L] [-q] [ADUXduopcahikqtw12] sv [sv ...]\n")]
    [InlineData("perpls", new[] { "-x" }, "perpls usage error: invalid option -x\nusage: perpls [-hV] [-b basedir] [-cGgrt] [sv ...]\n")]
    [InlineData("perpstat", new[] { "-q", "sv" }, "perpstat usage error: invalid option -q\nusage: perpstat [-hV] [-b basedir] sv [sv ...]\n")]
    [InlineData("perpok", new string[0], "perpok usage error: missing argument\nusage: perpok [-hV] [-b basedir] [-u secs] [-v] sv\n")]
    [InlineData("perpok", new[] { "-u" }, "perpok usage error: missing argument for option -u\nusage: perpok [-hV] [-b basedir] [-u secs] [-v] sv\n")]
    [InlineData("perphup", new[] { "-b", "x" }, "perphup usage error: invalid option -b\nusage: perphup [-hV] [-q] [-t] [basedir]\n")]
    public void Usage_errors_exit_100(string program, string[] args, string stderr)
    {
        using var b = new TempBase();
        var r = Tools.Run(program, b.Path, args);
        Assert.Equal((100, "", stderr), (r.ExitCode, r.Stdout, r.Stderr));
    }

    [Theory]
    [InlineData("perpctl", "usage: perpctl [-hV] [-b basedir] [-g] [-L] [-q] [ADUXduopcahikqtw12] sv [sv ...]")]
    [InlineData("perpls", "usage: perpls [-hV] [-b basedir] [-cGgrt] [sv ...]")]
    [InlineData("perpstat", "usage: perpstat [-hV] [-b basedir] sv [sv ...]")]
    [InlineData("perpok", "usage: perpok [-hV] [-b basedir] [-u secs] [-v] sv")]
    [InlineData("perphup", "usage: perphup [-hV] [-q] [-t] [basedir]")]
    public void Help_and_version_exit_0_on_stderr(string program, string usage)
    {
        using var b = new TempBase();
        Assert.Equal((0, "", usage + "\n"), Triple(Tools.Run(program, b.Path, "-h")));
        Assert.Equal((0, "", $"version: {program} 2.07\n"), Triple(Tools.Run(program, b.Path, "-V")));
    }

    [Fact]
    public void Multi_call_binary_lists_its_names_and_dispatches_on_its_first_argument()
    {
        using var b = new TempBase();
        var list = Tools.Run("perpps-tools", b.Path, "--list");
        Assert.Equal((0, "perpctl\nperpls\nperpstat\nperpok\nperphup\nperpmetrics\nperp-import\n"), (list.ExitCode, list.Stdout));
        Assert.Equal((0, "", "version: perpok 2.07\n"), Triple(Tools.Run("perpps-tools", b.Path, "perpok", "-V")));
        Assert.Equal(100, Tools.Run("perpps-tools", b.Path, "nosuchtool").ExitCode);

        // Messages follow the name the binary is called by (§14.1).
        string renamed = Path.Combine(b.Scratch, "mystat");
        File.CreateSymbolicLink(renamed, RepoPaths.Program("perpstat"));
        Assert.Equal(100, Tools.Run(renamed, b.Path).ExitCode);
        string alias = Path.Combine(b.Scratch, "perpstat");
        File.CreateSymbolicLink(alias, RepoPaths.Program("perpps-tools"));
        Assert.Equal((0, "", "version: perpstat 2.07\n"), Triple(Tools.Run(alias, b.Path, "-V")));
    }

    [Fact]
    public void A_base_too_long_for_sun_path_still_works()
    {
        // Edge case 27: perp's clients need len(base) + 20 <= 107; PerpPS's connect from
        // inside the base, so any base perpd can use, the tools can use too.
        using var b = new TempBase();
        string deep = Path.Combine(b.Root, new string('d', 60), new string('e', 60));
        Directory.CreateDirectory(Path.Combine(deep, "sv"));
        TempBase.WriteScript(Path.Combine(deep, "sv", "rc.main"), Perp.Sleeper);
        File.SetUnixFileMode(Path.Combine(deep, "sv"), (UnixFileMode)0b1_111_101_101);
        Assert.True(deep.Length + 20 > 107);
        using var daemon = DaemonProcess.Start(deep, waitForSocket: false);
        Wait.Until(() => Tools.Run("perpls", b.Root, "-b", deep, "sv").Stdout.StartsWith("[+ +++ ---]  sv  uptime: "), "perpls on a long base");
        var ctl = Tools.Run("perpctl", deep, "d", "sv");
        Assert.Equal((0, "sv: ok\n"), (ctl.ExitCode, ctl.Stderr));
        Assert.Equal(0, Tools.Run("perphup", b.Root, "-q", deep).ExitCode);
    }

    [Fact]
    public void Output_to_a_shared_file_continues_where_the_last_writer_stopped()
    {
        // Two tools writing one after the other to the same open file must not overwrite
        // each other (a FileStream would pwrite at offset 0).
        using var b = new TempBase();
        string file = Path.Combine(b.Scratch, "out");
        var r = ToolRunner.Run("/bin/sh", ["-c", "{ \"$0\" -V; \"$0\" -h; \"$0\" -V; } 2> \"$1\"", RepoPaths.Program("perpls"), file], b.Path);
        Assert.Equal(0, r.ExitCode);
        Assert.Equal("version: perpls 2.07\nusage: perpls [-hV] [-b basedir] [-cGgrt] [sv ...]\nversion: perpls 2.07\n", File.ReadAllText(file));
    }

    private static (int, string, string) Triple(ToolResult r) => (r.ExitCode, r.Stdout, r.Stderr);
}
