using PerpPS.Core.Cli;

namespace PerpPS.Runtools.Common;

/// <summary>
/// The runtools' side of Core's <see cref="NextOpt"/> (lasagna's nextopt, spec §14.1): it
/// answers -h, -V and -? for every program, turns the scanner's error returns into the
/// program's usage errors (thrown as <see cref="ToolExit"/>), and remembers the options seen
/// so a self-detaching program can rebuild its command line.
/// </summary>
internal sealed class OptionParser
{
    private readonly string[] _args;
    private readonly Tool _tool;
    private readonly NextOpt _scan;

    /// <param name="args">The arguments after argv[0].</param>
    /// <param name="spec">getopt-style letters, ':' after those that take an argument.</param>
    public OptionParser(Tool tool, string[] args, string spec)
    {
        _tool = tool;
        _args = args;
        _scan = new NextOpt(args, spec, start: 0);
    }

    /// <summary>
    /// For the tools that use none of their options' values: parses (and so answers -h, -V
    /// and bad options) and returns the operands, or the usage error "missing arguments"
    /// when there are fewer than <paramref name="minimum"/>.
    /// </summary>
    public static string[] Operands(Tool tool, string[] args, string spec, int minimum)
    {
        var opts = new OptionParser(tool, args, spec);
        while (opts.Next(out _, out _)) { }
        string[] rest = opts.Rest;
        if (rest.Length < minimum) throw tool.Usage("missing arguments");
        return rest;
    }

    /// <summary>Index of the first operand once <see cref="Next"/> returned false.</summary>
    public int Index => _scan.Index;

    /// <summary>Every option returned so far, in order (to rebuild a command line).</summary>
    public List<(char Option, string? Argument)> Seen { get; } = new();

    /// <summary>The operands (everything from <see cref="Index"/> on).</summary>
    public string[] Rest => _args[_scan.Index..];

    /// <summary>The next option; false at the first operand. Usage errors throw ToolExit.</summary>
    public bool Next(out char option, out string? argument)
    {
        option = _scan.Next();
        argument = _scan.Argument;
        switch (option)
        {
            case NextOpt.End: return false;
            case NextOpt.Invalid when _scan.Got == 'h': throw _tool.Help();
            case NextOpt.Invalid when _scan.Got == 'V': throw _tool.PrintVersion();
            case NextOpt.Invalid when _scan.Got == '?': throw _tool.UsageOnly();
            case NextOpt.Invalid: throw _tool.InvalidOption(_scan.Got);
            case NextOpt.MissingArgument: throw _tool.MissingArgument(_scan.Got);
        }
        Seen.Add((option, argument));
        return true;
    }
}
