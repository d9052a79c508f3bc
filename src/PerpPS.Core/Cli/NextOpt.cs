namespace PerpPS.Core.Cli;

/// <summary>
/// perp's command-line option scanner (lasagna nextopt, spec §14.1), the one scanner of perpd
/// (DaemonOptions), the client tools (ClientOptions) and the runtools (OptionParser), so every
/// program parses exactly as perp does: options only
/// before the first operand, "--" ends them (and is skipped), a lone "-" is an operand,
/// flags bundle ("-qt"), and an option that takes an argument eats the rest of its word
/// ("-b/x") or else the next word.
/// </summary>
/// <remarks>
/// Each call to <see cref="Next"/> returns the option letter, <see cref="End"/> when the
/// options are over (<see cref="Index"/> is then the first operand),
/// <see cref="Invalid"/> for a letter not in the list (or ':'; <see cref="Got"/> holds it,
/// and is '?' itself for "-?", which perp answers with the usage line alone), or
/// <see cref="MissingArgument"/> when an option's argument is missing.
/// </remarks>
public sealed class NextOpt
{
    public const char End = '\0';
    public const char Invalid = '?';
    public const char MissingArgument = ':';

    private readonly IReadOnlyList<string> _args;
    private readonly string _options;
    private int _cursor = 1;

    /// <param name="args">The whole argv, argv[0] included.</param>
    /// <param name="options">Letters, each followed by ':' when it takes an argument ("hVb:q").</param>
    /// <param name="start">Index of the first word to scan (1 skips argv[0]).</param>
    public NextOpt(IReadOnlyList<string> args, string options, int start = 1)
    {
        _args = args;
        _options = options;
        Index = start;
    }

    /// <summary>Index of the next word to scan; after <see cref="End"/>, the first operand.</summary>
    public int Index { get; private set; }

    /// <summary>The option letter just read (also for invalid ones).</summary>
    public char Got { get; private set; }

    /// <summary>The argument of the option just read, else null.</summary>
    public string? Argument { get; private set; }

    /// <summary>The word that held <see cref="Argument"/>, and where in it the argument starts.</summary>
    public int ArgumentIndex { get; private set; } = -1;

    /// <inheritdoc cref="ArgumentIndex"/>
    public int ArgumentOffset { get; private set; }

    /// <summary>Reads the next option; see the type's remarks for the return values.</summary>
    public char Next()
    {
        Got = End;
        Argument = null;
        ArgumentIndex = -1;
        ArgumentOffset = 0;
        if (_cursor == 1)
        {
            if (Index >= _args.Count) return End;
            string word = _args[Index];
            if (word.Length < 2 || word[0] != '-') return End;
            if (word == "--")
            {
                Index++;
                return End;
            }
        }

        string current = _args[Index];
        char got = Got = current[_cursor];
        _cursor++;
        if (_cursor >= current.Length)
        {
            Index++;
            _cursor = 1;
        }

        int at = got == ':' ? -1 : _options.IndexOf(got);
        if (at < 0) return Invalid;
        if (at + 1 < _options.Length && _options[at + 1] == ':')
        {
            if (_cursor != 1)
            {
                ArgumentIndex = Index;
                ArgumentOffset = _cursor;
                Argument = current[_cursor..];
                Index++;
                _cursor = 1;
            }
            else if (Index >= _args.Count)
            {
                return MissingArgument;
            }
            else
            {
                ArgumentIndex = Index;
                Argument = _args[Index];
                Index++;
            }
        }
        return got;
    }
}
