namespace PerpPS.Runtools.Tests;

/// <summary>runtool: every option, applied in perp's fixed order.</summary>
public sealed class RunToolTests : IDisposable
{
    private readonly TempBase _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Umask_limits_and_directory_apply_whatever_the_option_order()
    {
        var r = Bin.Run("runtool", "-c", "/", "-R", "o=32:c=!", "-m", "077", "/bin/sh", "-c", "echo umask=$(umask) nofile=$(ulimit -n) core=$(ulimit -c) cwd=$(pwd)");
        Assert.Equal(0, r.ExitCode);
        string hardCore = Bin.Run("/bin/sh", "-c", "ulimit -Hc").Stdout.Trim();
        Assert.Equal($"umask=0077 nofile=32 core={hardCore} cwd=/\n", r.Stdout);
    }

    [Fact]
    public void Argv0_argfile_and_envfile()
    {
        string af = Path.Combine(_temp.Scratch, "args");
        File.WriteAllText(af, "/dev/null\n");
        var before = Bin.Run("runtool", "-0", "zero", "-a", af, "/bin/cat", "/proc/self/cmdline");
        Assert.Equal(0, before.ExitCode);
        Assert.Equal("zero\0/dev/null\0/proc/self/cmdline\0", before.Stdout);
        var after = Bin.Run("runtool", "-0", "zero", "-A", af, "/bin/cat", "/proc/self/cmdline");
        Assert.Equal("zero\0/proc/self/cmdline\0/dev/null\0", after.Stdout);

        string ef = Path.Combine(_temp.Scratch, "env");
        File.WriteAllText(ef, "ONLY=this\n");
        var empty = Bin.Run("runtool", "-E", ef, "/usr/bin/env");
        Assert.Equal(0, empty.ExitCode);
        Assert.Equal("ONLY=this\n", empty.Stdout);
        var edit = Bin.Run("runtool", new[] { "-e", ef, "/usr/bin/env" }, env: new Dictionary<string, string?> { ["KEPT"] = "yes" });
        Assert.Contains("ONLY=this\n", edit.Stdout);
        Assert.Contains("KEPT=yes\n", edit.Stdout);
    }

    [Fact]
    public void Fdset_redirects_duplicates_and_closes()
    {
        string output = Path.Combine(_temp.Scratch, "out");
        string input = Path.Combine(_temp.Scratch, "in");
        File.WriteAllText(input, "from the input file\n");
        File.WriteAllText(output, "old content\n");
        var r = Bin.Run("runtool", "-F", $"0<{input}:1>{output}:2=1", "/bin/sh", "-c", "cat; echo to-stderr >&2");
        Assert.Equal(0, r.ExitCode);
        Assert.Equal("", r.Stdout + r.Stderr);
        Assert.Equal("from the input file\nto-stderr\n", File.ReadAllText(output));

        var append = Bin.Run("runtool", "-F", $"1+{output}:0<%", "/bin/sh", "-c", "echo appended; cat");
        Assert.Equal(0, append.ExitCode);
        Assert.EndsWith("to-stderr\nappended\n", File.ReadAllText(output));

        var closed = Bin.Run("runtool", "-F", "1=!", "/bin/sh", "-c", "echo x 2>/dev/null || echo closed >&2");
        Assert.Equal("closed\n", closed.Stderr);
        Assert.Equal(100, Bin.Run("runtool", "-F", "1>relative", "/bin/true").ExitCode);
    }

    [SkippableFact]
    public void Lock_pidlock_user_and_envuser()
    {
        Capabilities.RequireRoot("runtool -u nobody");
        // The program runs as nobody and reads the lock file: the directory must let it.
        File.SetUnixFileMode(_temp.Root, (UnixFileMode)0b111_101_101);
        File.SetUnixFileMode(_temp.Scratch, (UnixFileMode)0b111_101_101);
        string lockPath = Path.Combine(_temp.Scratch, "pidlock");
        var r = Bin.Run("runtool", "-P", lockPath, "-u", "nobody", "-U", "daemon", "/bin/sh", "-c", $"echo $$ $(id -u) $(id -g) $UID; cat {lockPath}");
        Assert.Equal(0, r.ExitCode);
        var lines = r.Stdout.Split('\n');
        var first = lines[0].Split(' ');
        string daemonUid = ToolRunner.Run("/usr/bin/id", "-u", "daemon").Stdout.Trim();
        Assert.Equal(new[] { first[0], "65534", "65534", daemonUid }, first);
        Assert.Equal(first[0], lines[1]);
        Assert.Equal(100, Bin.Run("runtool", "-L", "a", "-P", "b", "/bin/true").ExitCode);
    }

    [Fact]
    public void Altpath_session_sleep_and_detach()
    {
        string dir = Path.Combine(_temp.Scratch, "alt");
        Directory.CreateDirectory(dir);
        TempBase.WriteScript(Path.Combine(dir, "only-here"), "echo alt path; cat /proc/$$/stat\n");
        var r = Bin.Run("runtool", "-s", "-z", "1", "-S", dir, "only-here");
        Assert.Equal(0, r.ExitCode);
        var lines = r.Stdout.Split('\n');
        Assert.Equal("alt path", lines[0]);
        var stat = ProcFs.ParseStat(lines[1]);
        Assert.Equal(stat.Pid, stat.Session);
        Assert.Equal(111, Bin.Run("runtool", "-S", "/nonexistent", "only-here").ExitCode);

        string marker = Path.Combine(_temp.Scratch, "detached");
        var d = Bin.Run("runtool", "-d", "-c", _temp.Scratch, "/bin/sh", "-c", "exec >/dev/null 2>&1; pwd > detached.tmp; mv detached.tmp detached");
        Assert.Equal(0, d.ExitCode);
        Wait.Until(() => File.Exists(marker), "the detached runtool to run the program");
        Assert.Equal(_temp.Scratch + "\n", File.ReadAllText(marker));
    }

    [SkippableFact]
    public void Chroot_runs_the_program_inside_the_new_root_after_chdir()
    {
        Capabilities.RequireRoot("chroot(2)");
        // A root holding /bin/sh and the libraries it needs (from ldd).
        string root = Path.Combine(_temp.Scratch, "root");
        Directory.CreateDirectory(Path.Combine(root, "bin"));
        File.Copy("/bin/sh", Path.Combine(root, "bin", "sh"));
        File.SetUnixFileMode(Path.Combine(root, "bin", "sh"), (UnixFileMode)0b111_101_101);
        foreach (string line in ToolRunner.Run("/usr/bin/ldd", "/bin/sh").Stdout.Split('\n'))
        {
            string lib = line.Split(new[] { ' ', '\t' }, StringSplitOptions.RemoveEmptyEntries).FirstOrDefault(w => w.StartsWith('/')) ?? "";
            if (lib.Length == 0) continue;
            string target = root + lib;
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(lib, target, overwrite: true);
        }
        File.WriteAllText(Path.Combine(root, "inside-marker"), "");
        var r = Bin.Run("runtool", "-c", "/", "-C", root, "/bin/sh", "-c", "echo cwd=$(pwd); echo /*");
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.StartsWith("cwd=/\n", r.Stdout);
        Assert.Contains("/inside-marker", r.Stdout);
        Assert.DoesNotContain("/proc", r.Stdout);

        var missing = Bin.Run("runtool", "-C", Path.Combine(_temp.Scratch, "noroot"), "/bin/true");
        Assert.Equal(111, missing.ExitCode);
        Assert.StartsWith("runtool: fatal: failure chroot() to ", missing.Stderr);
    }
}
