namespace PerpPS.Runtools.Tests;

/// <summary>The multi-call binary: its names, and dispatch by argv[0] or first argument.</summary>
public sealed class MultiCallTests
{
    public static readonly string[] Names =
    {
        "tinylog", "sissylog", "runargs", "runargv0", "runchoom", "rundetach", "rundeux", "runenv", "runfile",
        "runlimit", "runlock", "runpause", "runsession", "runtool", "runtrap", "runuid", "runnotify", "perpboot",
    };

    [Fact]
    public void List_prints_every_program_name_once_per_line()
    {
        var r = Bin.Run("perpps-runtools", "--list");
        Assert.Equal(0, r.ExitCode);
        Assert.Equal(string.Join("\n", Names) + "\n", r.Stdout);
    }

    [Fact]
    public void Called_by_its_own_name_it_takes_the_program_from_the_first_argument()
    {
        var r = Bin.Run("perpps-runtools", "runargv0", "/bin/sh", "aliased", "-c", "echo $0");
        Assert.Equal(0, r.ExitCode);
        Assert.Equal("aliased\n", r.Stdout);
        var bad = Bin.Run("perpps-runtools", "nosuchtool");
        Assert.Equal(100, bad.ExitCode);
    }

    [Theory]
    [MemberData(nameof(AllNames))]
    public void Every_name_answers_V_with_its_own_name(string name)
    {
        var r = Bin.Run(name, "-V");
        Assert.Equal(0, r.ExitCode);
        Assert.Equal(name == "perpboot" ? "version: perpboot 2.07\n" : $"{name}: version: 2.07\n", r.Stderr);
    }

    public static IEnumerable<object[]> AllNames() => Names.Select(n => new object[] { n });

    [Fact]
    public void A_renamed_link_uses_its_own_name_in_messages()
    {
        using var temp = new TempBase();
        string link = Path.Combine(temp.Scratch, "runenv");
        File.CreateSymbolicLink(link, Bin.Path("perpps-runtools"));
        var r = ToolRunner.Run(link, new[] { "-Z" });
        Assert.Equal(100, r.ExitCode);
        Assert.StartsWith("runenv: usage error: invalid option: -Z\nusage: runenv ", r.Stderr);
    }
}
