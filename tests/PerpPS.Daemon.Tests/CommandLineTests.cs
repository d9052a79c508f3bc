using PerpPS.Core.Client;

namespace PerpPS.Daemon.Tests;

/// <summary>perpd's options, exit codes, control directory and single-instance lock (spec §1.4, §2.1, §2.2).</summary>
public sealed class CommandLineTests
{
    private static readonly Dictionary<string, string?> NoBase = new() { ["PERP_BASE"] = null };

    [Fact]
    public void Relative_base_is_a_usage_error()
    {
        var r = ToolRunner.Run("perpd", ["relative/base"], environment: NoBase);
        Assert.Equal(100, r.ExitCode);
        Assert.Matches(@"^error: perpd\[\d+\]: usage error: base directory not defined as absolute path: relative/base\n"
            + @"usage: perpd \[-hV\] \[-a secs\] \[-g gid\] \[basedir\]\n$", r.Stderr);
    }

    [Fact]
    public void Version_help_and_bad_options()
    {
        var v = ToolRunner.Run("perpd", "-V");
        Assert.Equal(0, v.ExitCode);
        Assert.Equal("version: perpd 2.07\n", v.Stderr);
        var h = ToolRunner.Run("perpd", "-h");
        Assert.Equal(0, h.ExitCode);
        Assert.StartsWith("usage: perpd [-hV] [-a secs] [-g gid] [basedir]\n", h.Stderr);
        Assert.Contains("-k secs", h.Stderr);
        var x = ToolRunner.Run("perpd", "-x", "/tmp");
        Assert.Equal(100, x.ExitCode);
        Assert.Matches(@"^error: perpd\[\d+\]: usage error: invalid option -x\n", x.Stderr);
        var a = ToolRunner.Run("perpd", "-a", "soon", "/tmp");
        Assert.Equal(100, a.ExitCode);
        Assert.Contains("usage error: non-numeric argument found for option -a: soon", a.Stderr);
        var m = ToolRunner.Run("perpd", "-a");
        Assert.Equal(100, m.ExitCode);
        Assert.Contains("usage error: missing argument for option -a", m.Stderr);
        var g = ToolRunner.Run("perpd", "-g", "no-such-group-here", "/tmp");
        Assert.Equal(100, g.ExitCode);
        Assert.Contains("usage error: no group id found for option -g no-such-group-here", g.Stderr);
    }

    [Fact]
    public void Connection_count_zero_is_out_of_range_not_non_numeric()
    {
        var zero = ToolRunner.Run("perpd", "-c", "0", "/tmp");
        Assert.Equal(100, zero.ExitCode);
        Assert.Matches(@"^error: perpd\[\d+\]: usage error: option -c needs at least one connection: 0\n"
            + @"usage: perpd \[-hV\] \[-a secs\] \[-g gid\] \[basedir\]\n$", zero.Stderr);
        var word = ToolRunner.Run("perpd", "-c", "many", "/tmp");
        Assert.Equal(100, word.ExitCode);
        Assert.Contains("usage error: non-numeric argument found for option -c: many\n", word.Stderr);
        var bare = ToolRunner.Run("perpd", "-?");
        Assert.Equal(100, bare.ExitCode);
        Assert.Equal("usage: perpd [-hV] [-a secs] [-g gid] [basedir]\n", bare.Stderr);
    }

    [Fact]
    public void Missing_base_is_fatal_111()
    {
        var r = ToolRunner.Run("perpd", ["/nonexistent/perpps/base"], environment: NoBase);
        Assert.Equal(111, r.ExitCode);
        Assert.Matches(@"^error: perpd\[\d+\]: fatal: failure chdir\(\) to base directory /nonexistent/perpps/base: file does not exist \(ENOENT\)\n$", r.Stderr);
    }

    [Fact]
    public void Base_comes_from_PERP_BASE_when_no_argument()
    {
        using var b = new TempBase();
        // ToolRunner waits for exit: run perpd through a shell that stops it once its socket answers.
        var r = ToolRunner.Run("/bin/sh", ["-c", $$"""
            "$0" & p=$!
            i=0; while [ ! -S {{b.Path}}/.control/perpd.sock ] && [ $i -lt 200 ]; do sleep 0.05; i=$((i+1)); done
            kill -TERM $p; wait $p
            """, RepoPaths.Program("perpd")], environment: new Dictionary<string, string?> { ["PERP_BASE"] = b.Path });
        Assert.Equal(0, r.ExitCode);
        Assert.Matches(@"perpd\[\d+\]: starting on " + b.Path + " \\.\\.\\.", r.Stderr);
        Assert.Contains("termination complete", r.Stderr);
    }

    [Fact]
    public void SIGINT_terminates_even_when_the_caller_ignored_it()
    {
        using var b = new TempBase();
        b.AddService("svc", Scripts.Forever);
        var r = ToolRunner.Run("/bin/sh", ["-c", $$"""
            trap '' INT HUP
            "$0" {{b.Path}} 2> {{b.Scratch}}/err & p=$!
            i=0; while ! grep -q 'supervising 1 active service' {{b.Scratch}}/err 2>/dev/null && [ $i -lt 200 ]; do sleep 0.05; i=$((i+1)); done
            kill -INT $p; wait $p
            """, RepoPaths.Program("perpd")], environment: NoBase);
        Assert.Equal(0, r.ExitCode);
        Assert.Contains("termination complete", File.ReadAllText(Path.Combine(b.Scratch, "err")));
    }

    [Fact]
    public void Control_directory_lock_and_socket_are_made_as_perp_makes_them()
    {
        using var b = new TempBase();
        using var d = DaemonProcess.Start(b.Path);
        string control = Path.Combine(b.Path, ".control");
        Assert.Equal((UnixFileMode)0b111_000_000, File.GetUnixFileMode(control) & (UnixFileMode)0b111_111_111);
        Assert.Equal($"{d.Pid}\n", File.ReadAllText(Path.Combine(control, "perpd.pid")));
        Assert.Equal((UnixFileMode)0b110_100_100, File.GetUnixFileMode(Path.Combine(control, "perpd.pid")));
        Assert.Equal((UnixFileMode)0b111_000_000, File.GetUnixFileMode(Path.Combine(control, "perpd.sock")) & (UnixFileMode)0b111_111_111);
        // Clients find the pid through the lock, as perp's do.
        Assert.Equal(d.Pid, LockProbe.HolderPid(PerpPaths.PidFile(b.Path)));
    }

    [Fact]
    public void Second_perpd_on_the_same_base_refuses_with_EAGAIN_and_111()
    {
        using var b = new TempBase();
        using var first = DaemonProcess.Start(b.Path);
        var r = ToolRunner.Run("perpd", [b.Path]);
        Assert.Equal(111, r.ExitCode);
        Assert.Matches(@"^error: perpd\[\d+\]: fatal: failure on lock file perpd.pid: temporary i/o failure \(EAGAIN\)\n$", r.Stderr);
        // The first instance is untouched.
        Assert.True(first.IsAnswering());
        Assert.Equal($"{first.Pid}\n", File.ReadAllText(PerpPaths.PidFile(b.Path)));
        Assert.Equal(first.Pid, LockProbe.HolderPid(PerpPaths.PidFile(b.Path)));
    }

    [Fact]
    public void Group_option_opens_the_socket_to_the_group()
    {
        using var b = new TempBase();
        using var d = DaemonProcess.Start(b.Path, ["-g", "daemon"]);
        string sock = PerpPaths.ControlSocket(b.Path);
        Assert.Equal((UnixFileMode)0b111_111_000, File.GetUnixFileMode(sock) & (UnixFileMode)0b111_111_111);
        var st = Core.Posix.FileStatus.Stat(sock);
        Assert.Equal(1u, st.Gid); // daemon is gid 1 on Debian
        // The .control perpd made is the group's to enter too (perp left it 0700).
        string control = Path.Combine(b.Path, ".control");
        Assert.Equal((UnixFileMode)0b111_101_000, File.GetUnixFileMode(control) & (UnixFileMode)0b111_111_111);
        Assert.Equal(1u, Core.Posix.FileStatus.Stat(control).Gid);
    }

    [Fact]
    public void Without_group_option_the_control_directory_stays_private()
    {
        using var b = new TempBase();
        using var d = DaemonProcess.Start(b.Path);
        string control = Path.Combine(b.Path, ".control");
        Assert.Equal((UnixFileMode)0b111_000_000, File.GetUnixFileMode(control) & (UnixFileMode)0b111_111_111);
        Assert.Equal((UnixFileMode)0b111_000_000,
            File.GetUnixFileMode(PerpPaths.ControlSocket(b.Path)) & (UnixFileMode)0b111_111_111);
    }

    [Fact]
    public void An_existing_control_directory_is_left_as_the_administrator_made_it()
    {
        using var b = new TempBase();
        string control = Path.Combine(b.Path, ".control");
        Directory.CreateDirectory(control);
        File.SetUnixFileMode(control, (UnixFileMode)0b111_000_000);
        using var d = DaemonProcess.Start(b.Path, ["-g", "daemon"]);
        Assert.Equal((UnixFileMode)0b111_000_000, File.GetUnixFileMode(control) & (UnixFileMode)0b111_111_111);
    }
}
