namespace PerpPS.Runtools.Tests;

/// <summary>runargs, runargv0, runfile: argv from the command line and from files.</summary>
public sealed class ArgvToolsTests : IDisposable
{
    private readonly TempBase _temp = new();

    public void Dispose() => _temp.Dispose();

    private string Write(string name, string text)
    {
        string path = Path.Combine(_temp.Scratch, name);
        File.WriteAllText(path, text);
        return path;
    }

    /// <summary>A script printing each argument as [arg].</summary>
    private string PrintArgs()
    {
        string path = Path.Combine(_temp.Scratch, "printargs");
        TempBase.WriteScript(path, "for a in \"$@\"; do printf '[%s]' \"$a\"; done; echo\n");
        return path;
    }

    [Fact]
    public void Runargs_puts_argfile_arguments_first_and_i_puts_them_last()
    {
        string af = Write("args", "  a1  \n# comment\n\n\ta 2\nlast-no-newline");
        string printArgs = PrintArgs();
        var r = Bin.Run("runargs", af, printArgs, "x");
        Assert.Equal(0, r.ExitCode);
        Assert.Equal("[a1][a 2][last-no-newline][x]\n", r.Stdout);
        var i = Bin.Run("runargs", "-i", af, printArgs, "x");
        Assert.Equal(0, i.ExitCode);
        Assert.Equal("[x][a1][a 2][last-no-newline]\n", i.Stdout);
    }

    [Fact]
    public void Runargs_reads_stdin_for_dash_and_reports_unreadable_files()
    {
        var r = Bin.Run("runargs", new[] { "-i", "-", "/usr/bin/printf", "<%s>" }, stdin: "one\ntwo\n");
        Assert.Equal(0, r.ExitCode);
        Assert.Equal("<one><two>", r.Stdout);
        var missing = Bin.Run("runargs", Path.Combine(_temp.Scratch, "nope"), "/bin/true");
        Assert.Equal(111, missing.ExitCode);
        Assert.Contains("runargs: fatal: unable to read argfile", missing.Stderr);
        Assert.Contains("file does not exist (ENOENT)", missing.Stderr);
    }

    [Fact]
    public void Runargv0_sets_argv0_and_passes_the_rest()
    {
        var r = Bin.Run("runargv0", "/bin/cat", "catalias", "/proc/self/cmdline");
        Assert.Equal(0, r.ExitCode);
        Assert.Equal("catalias\0/proc/self/cmdline\0", r.Stdout);
    }

    [Fact]
    public void Runfile_reads_program_and_arguments_then_appends_command_line()
    {
        string f = Write("argv", "/usr/bin/printf\n  [%s]  \n# skip\n\nfrom-file\n");
        var r = Bin.Run("runfile", f, "from-cmdline");
        Assert.Equal(0, r.ExitCode);
        Assert.Equal("[from-file][from-cmdline]", r.Stdout);
        var stdin = Bin.Run("runfile", new[] { "-", "x" }, stdin: "/usr/bin/printf\n<%s>\n");
        Assert.Equal("<x>", stdin.Stdout);
        var empty = Bin.Run("runfile", Write("empty", "# nothing\n\n"));
        Assert.Equal(100, empty.ExitCode);
        Assert.StartsWith("runfile: usage error: ", empty.Stderr);
    }
}
