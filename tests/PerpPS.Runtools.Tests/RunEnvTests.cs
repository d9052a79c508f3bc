namespace PerpPS.Runtools.Tests;

/// <summary>runenv: environment from a file, a directory or stdin (spec §13).</summary>
public sealed class RunEnvTests : IDisposable
{
    private readonly TempBase _temp = new();

    public void Dispose() => _temp.Dispose();

    private const string Show = "printf '%s\\n' \"FOO=[${FOO-unset}] HOME=[${HOME-unset}] EMPTY=[${EMPTY-unset}] ESC=[${ESC-unset}]\"";

    [Fact]
    public void A_file_sets_unsets_and_unescapes()
    {
        string f = Path.Combine(_temp.Scratch, "env");
        File.WriteAllText(f, "# comment\n\n  FOO = bar\\_baz\\n  \nHOME\nEMPTY=\nESC=a\\tb\\\\c\\qd\n");
        var env = new Dictionary<string, string?> { ["HOME"] = "/root", ["FOO"] = "old" };
        var r = Bin.Run("runenv", new[] { f, "/bin/sh", "-c", Show }, env: env);
        Assert.Equal(0, r.ExitCode);
        Assert.Equal("FOO=[bar baz\n] HOME=[unset] EMPTY=[] ESC=[a\tb\\c\\qd]\n", r.Stdout);
    }

    [Fact]
    public void A_directory_gives_one_variable_per_file()
    {
        string d = Path.Combine(_temp.Scratch, "envdir");
        Directory.CreateDirectory(d);
        File.WriteAllText(Path.Combine(d, "FOO"), "  first line\\_x  \nsecond line\n");
        File.WriteAllText(Path.Combine(d, "HOME"), "");
        File.WriteAllText(Path.Combine(d, ".hidden"), "ignored");
        var r = Bin.Run("runenv", new[] { d, "/bin/sh", "-c", Show + "; echo hidden=${hidden-unset}" },
            env: new Dictionary<string, string?> { ["HOME"] = "/root" });
        Assert.Equal(0, r.ExitCode);
        Assert.Equal("FOO=[first line x] HOME=[unset] EMPTY=[unset] ESC=[unset]\nhidden=unset\n", r.Stdout);
    }

    [Fact]
    public void I_starts_empty_and_U_adds_the_accounts_ids()
    {
        var r = Bin.Run("runenv", new[] { "-i", "-U", "nobody", "-", "/usr/bin/env" }, stdin: "A=1\n");
        Assert.Equal(0, r.ExitCode);
        var lines = r.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).OrderBy(l => l, StringComparer.Ordinal).ToArray();
        Assert.Equal(new[] { "A=1", "GID=65534", "UID=65534" }, lines);
    }

    [Fact]
    public void Neither_file_nor_directory_is_a_usage_error_and_unknown_account_fatal()
    {
        var r = Bin.Run("runenv", Path.Combine(_temp.Scratch, "missing"), "/bin/true");
        Assert.Equal(100, r.ExitCode);
        Assert.StartsWith("runenv: usage error: ", r.Stderr);
        var fifo = Bin.Run("runenv", "/dev/null", "/bin/true");
        Assert.Equal(100, fifo.ExitCode);
        var acct = Bin.Run("runenv", new[] { "-U", "no-such-account-x", "-", "/bin/true" }, stdin: "");
        Assert.Equal(111, acct.ExitCode);
        Assert.StartsWith("runenv: fatal: ", acct.Stderr);
    }

    [SkippableFact]
    public void Chains_with_other_runtools_as_with_perp()
    {
        Capabilities.RequireRoot("runuid nobody");
        string f = Path.Combine(_temp.Scratch, "env.conf");
        File.WriteAllText(f, "GREETING=hello\n");
        var r = Bin.Run("runenv", f, "runuid", "nobody", "runlimit", "-o", "100", "/bin/sh", "-c",
            "echo $GREETING $(id -u) $(ulimit -n)");
        Assert.Equal(0, r.ExitCode);
        Assert.Equal("hello 65534 100\n", r.Stdout);
    }
}
