namespace PerpPS.Runtools.Tests;

/// <summary>runlimit: soft limits seen by the exec'd program in /proc/self/limits.</summary>
public sealed class RunLimitTests : IDisposable
{
    private readonly TempBase _temp = new();

    public void Dispose() => _temp.Dispose();

    /// <summary>(soft, hard) of a /proc/self/limits row, read by the exec'd cat.</summary>
    private static (string Soft, string Hard) Limit(string stdout, string row)
    {
        foreach (string line in stdout.Split('\n'))
        {
            if (!line.StartsWith(row)) continue;
            var cols = line[26..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            return (cols[0], cols[1]);
        }
        throw new Xunit.Sdk.XunitException($"no {row} in {stdout}");
    }

    [Fact]
    public void Sets_soft_limits_from_the_command_line()
    {
        var r = Bin.Run("runlimit", "-o", "64", "-c", "0", "-t", "1000", "-s", "1048576", "/bin/cat", "/proc/self/limits");
        Assert.Equal(0, r.ExitCode);
        Assert.Equal("64", Limit(r.Stdout, "Max open files").Soft);
        Assert.Equal("0", Limit(r.Stdout, "Max core file size").Soft);
        Assert.Equal("1000", Limit(r.Stdout, "Max cpu time").Soft);
        Assert.Equal("1048576", Limit(r.Stdout, "Max stack size").Soft);
    }

    [Fact]
    public void Values_above_the_hard_limit_and_hard_marks_give_the_hard_limit()
    {
        var hard = Bin.Run("/bin/sh", "-c", "ulimit -Hn");
        string hardNofile = hard.Stdout.Trim();
        var r = Bin.Run("runlimit", "-o", "4000000000", "/bin/cat", "/proc/self/limits");
        Assert.Equal(0, r.ExitCode);
        Assert.Equal(hardNofile, Limit(r.Stdout, "Max open files").Soft);
        foreach (string mark in new[] { "=", "^", "_" })
        {
            var m = Bin.Run("runlimit", "-o", mark, "/bin/cat", "/proc/self/limits");
            Assert.Equal(hardNofile, Limit(m.Stdout, "Max open files").Soft);
        }
    }

    [Fact]
    public void M_sets_the_four_memory_limits()
    {
        var r = Bin.Run("runlimit", "-m", "3000000000", "/bin/cat", "/proc/self/limits");
        Assert.Equal(0, r.ExitCode);
        foreach (string row in new[] { "Max address space", "Max data size", "Max locked memory", "Max stack size" })
        {
            var (soft, hard) = Limit(r.Stdout, row);
            Assert.True(soft == "3000000000" || soft == hard, $"{row}: {soft}/{hard}");
        }
    }

    [Fact]
    public void File_then_environment_with_command_line_winning()
    {
        string f = Path.Combine(_temp.Scratch, "rlimit.conf");
        File.WriteAllText(f, "# limits\nRLIMIT_NOFILE = 200\nRLIMIT_CORE = 7\n");
        var env = new Dictionary<string, string?> { ["RLIMIT_NOFILE"] = "300", ["RLIMIT_CPU"] = "77", ["RLIMIT_CORE"] = "9" };
        var r = Bin.Run("runlimit", new[] { "-E", "-F", f, "-c", "5", "/bin/cat", "/proc/self/limits" }, env: env);
        Assert.Equal(0, r.ExitCode);
        Assert.Equal("200", Limit(r.Stdout, "Max open files").Soft); // file over environment
        Assert.Equal("77", Limit(r.Stdout, "Max cpu time").Soft);    // environment alone
        Assert.Equal("5", Limit(r.Stdout, "Max core file size").Soft); // command line over all
        var noE = Bin.Run("runlimit", new[] { "/bin/cat", "/proc/self/limits" }, env: env);
        Assert.NotEqual("77", Limit(noE.Stdout, "Max cpu time").Soft);
    }

    [Fact]
    public void An_unknown_name_in_the_file_is_fatal_and_bad_numbers_are_usage_errors()
    {
        string f = Path.Combine(_temp.Scratch, "bad.conf");
        File.WriteAllText(f, "RLIMIT_BOGUS = 1\n");
        var r = Bin.Run("runlimit", "-F", f, "/bin/true");
        Assert.Equal(111, r.ExitCode);
        Assert.StartsWith("runlimit: fatal: unknown resource name RLIMIT_BOGUS", r.Stderr);
        var n = Bin.Run("runlimit", "-o", "lots", "/bin/true");
        Assert.Equal(100, n.ExitCode);
        Assert.StartsWith("runlimit: usage error: ", n.Stderr);
    }
}
