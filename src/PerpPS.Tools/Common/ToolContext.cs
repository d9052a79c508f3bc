using System.Text;
using PerpPS.Core.Cli;
using PerpPS.Core.Posix;
using PerpPS.Tools.Io;

namespace PerpPS.Tools.Common;

/// <summary>
/// What every client tool shares: its program name (basename of argv[0], so messages follow
/// a renamed binary as perp's do, §14.1), its usage text, its output streams, and perp's
/// message shapes (§14.2): "PROG fatal: ...", "PROG usage error: ...", "usage: PROG ...",
/// "version: PROG 2.07".
/// </summary>
internal sealed class ToolContext
{
    public const string PerpVersion = "2.07";

    public ToolContext(byte[] programName, string usage, ToolOutput output)
    {
        ProgramName = programName;
        UsageText = usage;
        Output = output;
    }

    /// <summary>The program name as the bytes of argv[0]'s basename.</summary>
    public byte[] ProgramName { get; }

    public string UsageText { get; }

    public ToolOutput Output { get; }

    public string Name => Encoding.UTF8.GetString(ProgramName);

    /// <summary>A line that starts with the program name.</summary>
    public Line Prog() => new Line().B(ProgramName);

    public void Err(Line line) => Output.ErrLine(line);

    public void Out(Line line) => Output.OutLine(line);

    public void Usage() => Err(new Line().S("usage: ").B(ProgramName).S(" ").S(UsageText));

    public void Version() => Err(new Line().S("version: ").B(ProgramName).S(" " + PerpVersion));

    /// <summary>The usage line and exit 100 (perp's die_usage).</summary>
    public ToolExit DieUsage()
    {
        Usage();
        return new ToolExit(ExitCode.Usage);
    }

    /// <summary>"PROG usage error: TEXT", the usage line, exit 100.</summary>
    public ToolExit FatalUsage(Line text)
    {
        Err(Prog().S(" usage error: ").B(text.Span));
        return DieUsage();
    }

    public ToolExit FatalUsage(string text) => FatalUsage(new Line().S(text));

    /// <summary>"PROG fatal: TEXT" and exit with <paramref name="code"/>.</summary>
    public ToolExit Fatal(int code, Line text)
    {
        Err(Prog().S(" fatal: ").B(text.Span));
        return new ToolExit(code);
    }

    /// <summary>"PROG fatal: TEXT: MESG (ENAME)" and exit 111 (perp's fatal_syserr).</summary>
    public ToolExit FatalSys(int errno, Line text) =>
        Fatal(ExitCode.Fatal, text.S(": ").S(Errno.Describe(errno)));

    /// <summary>
    /// The standard answers to nextopt's two error returns: an invalid option (with the
    /// tool's own wording, <paramref name="colon"/> for perpctl's "invalid option: -X"),
    /// "-?" (usage alone) and a missing option argument.
    /// </summary>
    public ToolExit OptionError(char result, char got, bool colon = false)
    {
        if (result == PerpPS.Core.Cli.NextOpt.MissingArgument)
            return FatalUsage("missing argument for option -" + got);
        if (got == '?') return DieUsage();
        return FatalUsage((colon ? "invalid option: -" : "invalid option -") + got);
    }
}
