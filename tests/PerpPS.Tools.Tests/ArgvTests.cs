using PerpPS.Core.Cli;
using PerpPS.Tools.Cli;

namespace PerpPS.Tools.Tests;

/// <summary>argv handling of the multi-call binary: program name and raw option arguments.</summary>
public class ArgvTests
{
    [Theory]
    [InlineData("/usr/local/bin/perpls", "perpls")]
    [InlineData("perpctl", "perpctl")]
    [InlineData("./x/y/perpok", "perpok")]
    public void Program_name_is_the_basename_of_argv0(string zero, string name) =>
        Assert.Equal(name, System.Text.Encoding.UTF8.GetString(Argv.FromStrings(zero, "-h").ProgramName()));

    [Fact]
    public void Option_argument_bytes_come_from_the_raw_word_attached_or_separate()
    {
        var argv = Argv.FromStrings("perpls", "-rb/srv/x", "-b", "rel", "sv");
        var opt = new NextOpt(argv.Text, "hVb:cGgKrt");
        Assert.Equal('r', opt.Next());
        Assert.Equal('b', opt.Next());
        Assert.Equal("/srv/x"u8.ToArray(), argv.OptionArgument(opt));
        Assert.Equal('b', opt.Next());
        Assert.Equal("rel"u8.ToArray(), argv.OptionArgument(opt));
        Assert.Equal(NextOpt.End, opt.Next());
        Assert.Equal(4, opt.Index);
    }

    [Fact]
    public void Shift_drops_the_multi_call_name()
    {
        var argv = Argv.FromStrings("/bin/perpps-tools", "perpstat", "sv").Shift();
        Assert.Equal(["perpstat", "sv"], argv.Text);
        Assert.Equal("perpstat"u8.ToArray(), argv.ProgramName());
    }
}
