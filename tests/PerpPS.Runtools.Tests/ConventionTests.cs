namespace PerpPS.Runtools.Tests;

/// <summary>What every runtool shares (spec §13, §14.1): options, usage, exec and PATH search.</summary>
public sealed class ConventionTests : IDisposable
{
    private readonly TempBase _temp = new();

    public void Dispose() => _temp.Dispose();

    [Theory]
    [InlineData("runargs")]
    [InlineData("runargv0")]
    [InlineData("runchoom")]
    [InlineData("rundetach")]
    [InlineData("rundeux")]
    [InlineData("runenv")]
    [InlineData("runfile")]
    [InlineData("runlimit")]
    [InlineData("runlock")]
    [InlineData("runpause")]
    [InlineData("runsession")]
    [InlineData("runtool")]
    [InlineData("runtrap")]
    [InlineData("runuid")]
    [InlineData("runnotify")]
    [InlineData("sissylog")]
    public void Invalid_option_is_a_usage_error_with_the_usage_line(string tool)
    {
        var r = Bin.Run(tool, "-Z", "x", "y", "z");
        Assert.Equal(100, r.ExitCode);
        Assert.StartsWith($"{tool}: usage error: invalid option: -Z\nusage: {tool} [-hV]", r.Stderr);
        var q = Bin.Run(tool, "-?");
        Assert.Equal(100, q.ExitCode);
        Assert.StartsWith($"usage: {tool} ", q.Stderr);
        var h = Bin.Run(tool, "-h");
        Assert.Equal(0, h.ExitCode);
        Assert.StartsWith($"usage: {tool} ", h.Stderr);
    }

    [Theory]
    [InlineData("runargs", "x")]
    [InlineData("runargv0", "x")]
    [InlineData("runchoom")]
    [InlineData("rundetach")]
    [InlineData("rundeux", "a", "::")]
    [InlineData("runenv", "x")]
    [InlineData("runfile")]
    [InlineData("runlimit")]
    [InlineData("runlock", "x")]
    [InlineData("runpause", "1")]
    [InlineData("runsession")]
    [InlineData("runtool")]
    [InlineData("runtrap", "a", "b")]
    [InlineData("runuid", "nobody")]
    [InlineData("runnotify", "-d", "3")]
    public void Too_few_arguments_is_a_usage_error(string tool, params string[] args)
    {
        var r = Bin.Run(tool, args);
        Assert.Equal(100, r.ExitCode);
        Assert.StartsWith($"{tool}: usage error: ", r.Stderr);
        Assert.Contains($"\nusage: {tool} ", r.Stderr);
    }

    [Fact]
    public void Missing_option_argument_is_a_usage_error()
    {
        var r = Bin.Run("runlimit", "-o");
        Assert.Equal(100, r.ExitCode);
        Assert.StartsWith("runlimit: usage error: missing argument for option: -o\n", r.Stderr);
    }

    [Fact]
    public void Exec_failure_is_fatal_111_with_perps_wording()
    {
        var r = Bin.Run("runsession", "no-such-program-here");
        Assert.Equal(111, r.ExitCode);
        Assert.Equal("runsession: fatal: unable to run no-such-program-here: file does not exist (ENOENT)\n", r.Stderr);
        string notExec = Path.Combine(_temp.Scratch, "notexec");
        File.WriteAllText(notExec, "#!/bin/sh\n");
        var e = Bin.Run("runsession", notExec);
        Assert.Equal(111, e.ExitCode);
        Assert.Equal($"runsession: fatal: unable to run {notExec}: access denied (EACCES)\n", e.Stderr);
    }

    [Fact]
    public void Path_search_skips_unusable_elements_and_empty_means_current_directory()
    {
        string blocked = Path.Combine(_temp.Scratch, "blocked");
        string good = Path.Combine(_temp.Scratch, "good");
        Directory.CreateDirectory(blocked);
        Directory.CreateDirectory(good);
        // Not executable in the first element (EACCES): the search goes on.
        File.WriteAllText(Path.Combine(blocked, "prog"), "#!/bin/sh\necho blocked\n");
        TempBase.WriteScript(Path.Combine(good, "prog"), "echo found in good\n");
        var env = new Dictionary<string, string?> { ["PATH"] = $"/nonexistent:{blocked}:{good}" };
        var r = Bin.Run(Bin.Path("runsession"), new[] { "prog" }, env: env);
        Assert.Equal(0, r.ExitCode);
        Assert.Equal("found in good\n", r.Stdout);

        // An empty element is the current directory.
        var here = Bin.Run(Bin.Path("runsession"), new[] { "prog" }, cwd: good,
            env: new Dictionary<string, string?> { ["PATH"] = "/nonexistent:" });
        Assert.Equal(0, here.ExitCode);
        Assert.Equal("found in good\n", here.Stdout);
    }

    [Fact]
    public void Options_bundle_and_double_dash_ends_them()
    {
        string lockfile = Path.Combine(_temp.Scratch, "lock");
        var r = Bin.Run("runlock", new[] { "-px", lockfile, "/bin/sh", "-c", "cat " + lockfile });
        Assert.Equal(0, r.ExitCode);
        Assert.Matches(@"^\d+\n$", r.Stdout);
        var dd = Bin.Run("runargv0", "--", "/bin/sh", "-dashed", "-c", "echo $0");
        Assert.Equal(0, dd.ExitCode);
        Assert.Equal("-dashed\n", dd.Stdout);
    }

    [Fact]
    public void The_execd_program_gets_default_sigpipe_and_an_empty_signal_mask()
    {
        var r = Bin.Run("runsession", "/bin/grep", "-E", "^Sig(Blk|Ign)", "/proc/self/status");
        Assert.Equal(0, r.ExitCode);
        // Whatever else the test run was started with ignored (nohup: SIGHUP; a background
        // shell: SIGINT, SIGQUIT) passes through exec, as it should; SIGPIPE (bit 12), which
        // the .NET runtime ignores in every program, must not.
        ulong inherited = ulong.Parse(File.ReadAllLines("/proc/self/status").Single(l => l.StartsWith("SigIgn:", StringComparison.Ordinal))[7..].Trim(),
            System.Globalization.NumberStyles.HexNumber, System.Globalization.CultureInfo.InvariantCulture) & ~(1UL << 12);
        Assert.Equal($"SigBlk:\t0000000000000000\nSigIgn:\t{inherited:x16}\n", r.Stdout);
    }
}
