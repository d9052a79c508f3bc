using System.Text.RegularExpressions;
using PerpPS.Core.Posix;
using PerpPS.Core.Protocol;

namespace PerpPS.Tools.Tests;

/// <summary>
/// The bytes each tool sends and what it makes of each reply, against a scripted perpd on a
/// real Unix socket (spec §5, §16.8 captures).
/// </summary>
public class WireTests
{
    private static readonly byte[] Ok = Wire.ErrorReply(0);

    [Theory]
    [InlineData("u", 'u', 0)]
    [InlineData("down", 'd', 0)]
    [InlineData("usr1", 'u', 0)]
    [InlineData("Up", 'U', 0)]
    [InlineData("D", 'D', 0)]
    [InlineData("o", 'o', 0)]
    [InlineData("p", 'p', 0)]
    [InlineData("c", 'c', 0)]
    [InlineData("a", 'a', 0)]
    [InlineData("h", 'h', 0)]
    [InlineData("i", 'i', 0)]
    [InlineData("kill", 'k', 0)]
    [InlineData("q", 'q', 0)]
    [InlineData("t", 't', 0)]
    [InlineData("w", 'w', 0)]
    [InlineData("1", '1', 0)]
    [InlineData("2", '2', 0)]
    public void Perpctl_sends_one_C_packet_per_service_with_the_first_letter(string word, char letter, byte flags)
    {
        using var b = new TempBase();
        string one = b.AddService("one", "exec sleep 100");
        string two = b.AddService("two", "exec sleep 100");
        using var daemon = new ScriptedDaemon(b.Path, Ok, Ok);
        var r = Tools.Run("perpctl", b.Path, word, "one", "two");
        Assert.Equal(0, r.ExitCode);
        Assert.Equal("one: ok\ntwo: ok\n", r.Stderr);
        Assert.Equal("", r.Stdout);
        Assert.Equal([Wire.Command(one, letter, flags), Wire.Command(two, letter, flags)], daemon.Requests);
    }

    [Theory]
    [InlineData(new[] { "-L", "k" }, 'k', 0x01)]
    [InlineData(new[] { "-g", "t" }, 't', 0x02)]
    [InlineData(new[] { "-gL", "q" }, 'q', 0x03)]
    [InlineData(new[] { "-g", "D" }, 'D', 0x02)]
    [InlineData(new[] { "-L", "u" }, 'u', 0x01)]
    public void Perpctl_flags_byte_carries_log_and_process_group(string[] args, char letter, byte flags)
    {
        using var b = new TempBase();
        string sv = b.AddService("sv", "exec sleep 100");
        using var daemon = new ScriptedDaemon(b.Path, Ok);
        var r = Tools.Run("perpctl", b.Path, [.. args, "sv"]);
        Assert.Equal(0, r.ExitCode);
        Assert.Equal([Wire.Command(sv, letter, flags)], daemon.Requests);
    }

    public static TheoryData<byte[]?, string> CommandReplies() => new()
    {
        { Wire.ErrorReply(Errno.ENOENT), "error: sv: error reported in reply: file does not exist (ENOENT)\n" },
        { Wire.ErrorReply(Errno.EBUSY), "error: sv: error reported in reply: device busy (EBUSY)\n" },
        { Wire.ErrorReply(Errno.EPROTO), "error: sv: error reported in reply: protocol error (EPROTO)\n" },
        // §16.8: perpd's answer to a Y packet, 02 45 04 5f000000.
        { Wire.Hex("02 45 04 5f000000"), "error: sv: error reported in reply: operation not supported (EOPNOTSUPP)\n" },
        { Wire.Hex("07 45 04 00000000"), "error: sv: unknown packet protocol in reply\n" },
        { Wire.CapturedSleeperStatus, "error: sv: unknown packet type in reply\n" },
        { null, "error: sv: unknown packet type in reply\n" },
    };

    [Theory]
    [MemberData(nameof(CommandReplies))]
    public void Perpctl_reports_each_reply_problem_and_exits_111(byte[]? reply, string message)
    {
        using var b = new TempBase();
        b.AddService("sv", "exec sleep 100");
        using var daemon = new ScriptedDaemon(b.Path, reply);
        var r = Tools.Run("perpctl", b.Path, "u", "sv");
        Assert.Equal(111, r.ExitCode);
        Assert.Equal(message, r.Stderr);
    }

    [Fact]
    public void Perpctl_checks_each_service_and_carries_on_after_errors()
    {
        using var b = new TempBase();
        string good = b.AddService("good", "exec sleep 100");
        b.AddService("idle", "exec sleep 100", active: false);
        File.WriteAllText(Path.Combine(b.Path, "file"), "");
        using var daemon = new ScriptedDaemon(b.Path, Ok);
        var r = Tools.Run("perpctl", b.Path, "u", "nosuch", "file", "idle", "good", "good/rc.main");
        Assert.Equal(111, r.ExitCode);
        Assert.Equal(
            "error: nosuch: service directory not found\nerror: file: not a directory\n" +
            "error: idle: service directory not activated\ngood: ok\nerror: good/rc.main: not a directory\n", r.Stderr);
        Assert.Equal([Wire.Command(good, 'u', 0)], daemon.Requests);

        var quiet = Tools.Run("perpctl", b.Path, "-q", "u", "nosuch");
        Assert.Equal(111, quiet.ExitCode);
        Assert.Equal("error: nosuch: service directory not found\n", quiet.Stderr);
    }

    [Fact]
    public void Perpctl_quiet_hides_success_lines()
    {
        using var b = new TempBase();
        b.AddService("sv", "exec sleep 100");
        using var daemon = new ScriptedDaemon(b.Path, Ok);
        var r = Tools.Run("perpctl", b.Path, "-q", "t", "sv");
        Assert.Equal(0, r.ExitCode);
        Assert.Equal("", r.Stderr);
        Assert.Single(daemon.Requests);
    }

    [Fact]
    public void Perpls_queries_only_sticky_directories_over_one_connection_and_parses_perps_capture()
    {
        using var b = new TempBase();
        string sleeper = b.AddService("sleeper", "exec sleep 100");
        b.AddService("idle", "exec sleep 100", active: false);
        string renamed = b.AddService("renamed", "exec sleep 100");
        File.WriteAllText(Path.Combine(b.Path, "notadir"), "");
        Directory.CreateDirectory(Path.Combine(b.Path, ".hidden"));
        using var daemon = new ScriptedDaemon(b.Path, Wire.ErrorReply(Errno.ENOTDIR), Wire.CapturedSleeperStatus);
        var r = Tools.Run("perpls", b.Path);
        Assert.Equal(0, r.ExitCode);
        Assert.Equal("", r.Stderr);
        var lines = r.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, lines.Length);
        Assert.Equal("[- --- ---]  idle     (service not activated)", lines[0]);
        Assert.Equal("[E --- ---]  renamed  error: error reported in status reply [ENOTDIR]", lines[1]);
        Assert.Matches(new Regex(@"^\[\+ \+\+\+ \+\+\+\]  sleeper  uptime: \d+s/\d+s  pids: 17635/17634$"), lines[2]);
        // readdir order decides which was asked first; both were asked, by Q packets.
        Assert.Equal(new[] { Wire.Query(renamed), Wire.Query(sleeper) }.OrderBy(Convert.ToHexString),
            daemon.Requests.OrderBy(Convert.ToHexString));
    }

    [Fact]
    public void Perpls_reports_odd_replies_in_the_panel()
    {
        using var b = new TempBase();
        b.AddService("a", "x");
        b.AddService("b", "x");
        b.AddService("c", "x");
        using var daemon = new ScriptedDaemon(b.Path, Wire.Hex("03 53 00"), Wire.Hex("02 58 00"), null);
        var r = Tools.Run("perpls", b.Path, "a", "b", "c");
        Assert.Equal(0, r.ExitCode);
        Assert.Equal(
            "[E --- ---]  a  error: unknown packet protocol in status reply [EPROTO]\n" +
            "[E --- ---]  b  error: unknown packet type in status reply [EPROTO]\n" +
            "[E --- ---]  c  error: unknown packet type in status reply [EPROTO]\n", r.Stdout);
    }

    [Fact]
    public void Perpstat_reports_perps_captured_status()
    {
        using var b = new TempBase();
        string sleeper = b.AddService("sleeper", "x");
        b.AddService("idle", "x", active: false);
        b.AddService("renamed", "x");
        using var daemon = new ScriptedDaemon(b.Path, Wire.CapturedSleeperStatus, Wire.ErrorReply(Errno.ENOTDIR));
        var r = Tools.Run("perpstat", b.Path, "sleeper", "idle", "nosuch", "renamed");
        Assert.Equal(0, r.ExitCode);
        Assert.Matches(new Regex(
            @"^sleeper: activated \d+ seconds\n  main: up \d+ seconds \(pid 17635\)\n   log: up \d+ seconds \(pid 17634\)\nidle: not activated\n$"),
            r.Stdout);
        Assert.Equal("nosuch: error: service directory not found\n" +
                     "error: renamed: error reported in reply: not a directory (ENOTDIR)\n", r.Stderr);
        Assert.Equal(Wire.Query(sleeper), daemon.Requests[0]);
    }

    [Fact]
    public void Perpok_sends_one_query_and_maps_replies_to_exit_codes()
    {
        using var b = new TempBase();
        string sv = b.AddService("sv", "x");
        using (var daemon = new ScriptedDaemon(b.Path, Wire.CapturedSleeperStatus))
        {
            var r = Tools.Run("perpok", b.Path, "-v", "sv");
            Assert.Equal(0, r.ExitCode);
            Assert.Equal("perpok: sv: ok: service is activated/ok\n", r.Stderr);
            Assert.Equal([Wire.Query(sv)], daemon.Requests);
        }
        File.Delete(Path.Combine(b.Path, ".control", "perpd.sock"));
        using (new ScriptedDaemon(b.Path, Wire.ErrorReply(Errno.ENOTDIR)))
        {
            var r = Tools.Run("perpok", b.Path, "sv");
            Assert.Equal(111, r.ExitCode);
            Assert.Equal("perpok fatal: error reported in reply from perpd control socket: not a directory (ENOTDIR)\n", r.Stderr);
        }
    }

    public static TheoryData<SubserviceStatus, string, int> PerpokUptimeCases()
    {
        var now = Tai64N.Now();
        return new()
        {
            { new SubserviceStatus(0, now, SubserviceFlags.IsReset), "perpok: sv: fail: service not running (pid is 0)\n", 1 },
            { new SubserviceStatus(9, now.AddNanoseconds(-5_000_000_000), SubserviceFlags.IsReset), "perpok: sv: fail: service is resetting\n", 1 },
            { new SubserviceStatus(9, now.AddNanoseconds(-5_000_000_000), SubserviceFlags.WantDown), "perpok: sv: fail: service wants down\n", 1 },
            { new SubserviceStatus(9, now.AddNanoseconds(-30_000_000_000), SubserviceFlags.None), "perpok: sv: fail: service uptime not met\n", 1 },
            { new SubserviceStatus(9, now.AddNanoseconds(-3_600_000_000_000), SubserviceFlags.IsOnce), "perpok: sv: ok: service uptime ok\n", 0 },
        };
    }

    [Theory]
    [MemberData(nameof(PerpokUptimeCases))]
    public void Perpok_uptime_checks(SubserviceStatus main, string message, int exit)
    {
        using var b = new TempBase();
        b.AddService("sv", "x");
        var status = new StatusRecord(1, Tai64N.Now(), Tai64N.Now(), ServiceFlags.Active, main, default);
        using var daemon = new ScriptedDaemon(b.Path, Wire.StatusReply(status));
        var r = Tools.Run("perpok", b.Path, "-v", "-u", "60", "sv");
        Assert.Equal((exit, message), (r.ExitCode, r.Stderr));
    }

    [Fact]
    public void Relative_base_works_and_is_printed_as_given()
    {
        using var b = new TempBase();
        string sv = b.AddService("sv", "x");
        using var daemon = new ScriptedDaemon(b.Path, Ok, Wire.CapturedSleeperStatus);
        var ctl = Tools.Run("perpctl", b.Root, "-b", "base", "u", "sv");
        Assert.Equal((0, "sv: ok\n"), (ctl.ExitCode, ctl.Stderr));
        var ls = Tools.Run("perpls", b.Root, "-bbase", "sv");
        Assert.Equal(0, ls.ExitCode);
        Assert.Contains("pids: 17635/17634", ls.Stdout);
        Assert.Equal([Wire.Command(sv, 'u', 0), Wire.Query(sv)], daemon.Requests);

        var env = Tools.RunWith("perpstat", b.Root, new Dictionary<string, string?> { ["PERP_BASE"] = "base" }, "nosuch");
        Assert.Equal((0, "nosuch: error: service directory not found\n"), (env.ExitCode, env.Stderr));

        daemon.Dispose();
        File.Delete(daemon.SocketPath);
        var gone = Tools.Run("perpctl", b.Root, "-b", "base", "u", "sv");
        Assert.Equal(111, gone.ExitCode);
        Assert.Equal("perpctl fatal: failure connecting to perpd control socket base/.control/perpd.sock: file does not exist (ENOENT)\n", gone.Stderr);
    }
}
