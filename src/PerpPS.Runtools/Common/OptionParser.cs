namespace PerpPS.Runtools.Common;

/// <summary>
/// lasagna's nextopt (spec §14.1): options only before the first operand, "--" ends them,
/// a lone "-" is an operand, flags bundle ("-qt"), an argument is the rest of the word or
/// the next word. -h, -V and -? are answered here for every program.
/// </summary>
internal sealed class OptionParser
{
    private readonly string[] _args;
    private readonly string _spec;
    private readonly Tool _tool;
    private int _word;
    private int _char;

    /// <param name="args">The arguments after argv[0].</param>
    /// <param name="spec">getopt-style letters, ':' after those that take an argument.</param>
    public OptionParser(Tool tool, string[] args, string spec)
    {
        _tool = tool;
        _args = args;
        _spec = spec;
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
    public int Index => _word;

    /// <summary>Every option returned so far, in order (to rebuild a command line).</summary>
    public List<(char Option, string? Argument)> Seen { get; } = new();

    /// <summary>The operands (everything from <see cref="Index"/> on).</summary>
    public string[] Rest => _args[_word..];

    /// <summary>The next option; false at the first operand. Usage errors throw ToolExit.</summary>
    public bool Next(out char option, out string? argument)
    {
        option = '\0';
        argument = null;
        if (_char == 0)
        {
            if (_word >= _args.Length) return false;
            string w = _args[_word];
            if (w.Length < 2 || w[0] != '-') return false;
            if (w == "--")
            {
                _word++;
                return false;
            }
            _char = 1;
        }
        string word = _args[_word];
        option = word[_char++];
        bool atEnd = _char >= word.Length;
        int at = option == ':' ? -1 : _spec.IndexOf(option);
        if (option == 'h' && at < 0) throw _tool.Help();
        if (option == 'V' && at < 0) throw _tool.PrintVersion();
        if (option == '?') throw _tool.UsageOnly();
        if (at < 0) throw _tool.InvalidOption(option);
        bool takesArgument = at + 1 < _spec.Length && _spec[at + 1] == ':';
        if (takesArgument)
        {
            if (!atEnd)
            {
                argument = word[_char..];
            }
            else if (_word + 1 < _args.Length)
            {
                _word++;
                argument = _args[_word];
            }
            else
            {
                throw _tool.MissingArgument(option);
            }
            _word++;
            _char = 0;
            Seen.Add((option, argument));
            return true;
        }
        Seen.Add((option, null));
        if (atEnd)
        {
            _word++;
            _char = 0;
        }
        return true;
    }
}
