using PerpPS.Core.Cli;

namespace PerpPS.Tools.Tests;

/// <summary>perp's option scanner (spec §14.1).</summary>
public class NextOptTests
{
    private static (string Seen, int Index) Scan(string options, params string[] words)
    {
        var args = new[] { "prog" }.Concat(words).ToArray();
        var opt = new NextOpt(args, options);
        var seen = new List<string>();
        for (char c; (c = opt.Next()) != NextOpt.End;)
        {
            seen.Add(c switch
            {
                NextOpt.Invalid => "?" + opt.Got,
                NextOpt.MissingArgument => ":" + opt.Got,
                _ => opt.Argument is { } a ? $"{c}={a}" : c.ToString(),
            });
            if (c is NextOpt.Invalid or NextOpt.MissingArgument) break;
        }
        return (string.Join(",", seen), opt.Index);
    }

    [Fact]
    public void Bundled_flags_and_attached_or_separate_arguments()
    {
        Assert.Equal(("q,t", 2), Scan("qtb:", "-qt", "sv"));
        Assert.Equal(("q,b=/x", 2), Scan("qtb:", "-qb/x", "sv"));
        Assert.Equal(("b=/x,q", 4), Scan("qtb:", "-b", "/x", "-q", "sv"));
        Assert.Equal(("b=-q", 3), Scan("qtb:", "-b", "-q", "sv"));
    }

    [Fact]
    public void Options_stop_at_first_operand_at_double_dash_and_at_lone_dash()
    {
        Assert.Equal(("q", 2), Scan("qt", "-q", "sv", "-t"));
        Assert.Equal(("q", 3), Scan("qt", "-q", "--", "-t"));
        Assert.Equal(("", 1), Scan("qt", "-", "-t"));
        Assert.Equal(("", 1), Scan("qt"));
    }

    [Fact]
    public void Invalid_and_missing_argument()
    {
        Assert.Equal(("?x", 2), Scan("qt", "-x", "sv"));
        Assert.Equal(("q,?:", 2), Scan("qt", "-q:", "sv"));
        Assert.Equal(("??", 2), Scan("qt", "-?", "sv"));
        Assert.Equal((":b", 2), Scan("qb:", "-b"));
        Assert.Equal(("b=", 3), Scan("qb:", "-b", "", "sv"));
    }
}
