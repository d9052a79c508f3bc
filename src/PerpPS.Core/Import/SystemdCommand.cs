using System.Text;

namespace PerpPS.Core.Import;

/// <summary>
/// An Exec*= command line of a unit (systemd.service(5) "Command lines"): its prefixes
/// ('-' failure ignored, '@' argv[0] given, ':' no substitution, '+' '!' '!!' privileges)
/// and its words, each word written back as /bin/sh text that the run script expands the
/// way systemd would: "${VAR}" stays one word, a bare "$VAR" word splits at whitespace,
/// "$$" is a dollar sign, specifiers (%n, %i, ...) are replaced at import.
/// </summary>
public sealed class SystemdCommand
{
    public bool IgnoreFailure { get; private set; }
    public bool Privileged { get; private set; }
    public bool HasArgv0 { get; private set; }
    public bool NoSubstitution { get; private set; }
    /// <summary>Each word as /bin/sh source text.</summary>
    public List<string> Words { get; } = new();
    /// <summary>True when a word is a bare $VAR (split at whitespace): the script turns off globbing.</summary>
    public bool Splits { get; private set; }

    /// <summary>Parses; <paramref name="specifier"/> maps a specifier letter to its text (null: unknown, kept, warned).</summary>
    public static SystemdCommand Parse(string text, Func<char, string?> specifier, Action<string> warn)
    {
        var cmd = new SystemdCommand();
        int i = 0;
        while (i < text.Length && text[i] is '-' or '@' or ':' or '+' or '!')
        {
            switch (text[i])
            {
                case '-': cmd.IgnoreFailure = true; break;
                case '@': cmd.HasArgv0 = true; break;
                case ':': cmd.NoSubstitution = true; break;
                default: cmd.Privileged = true; break;
            }
            i++;
        }
        var raw = new List<List<(bool Literal, string Text)>>();
        while (true)
        {
            while (i < text.Length && char.IsWhiteSpace(text[i])) i++;
            if (i >= text.Length) break;
            var word = new List<(bool, string)>();
            var lit = new StringBuilder();
            bool quotedAny = false;
            while (i < text.Length && !char.IsWhiteSpace(text[i]))
            {
                char c = text[i];
                if (c is '"' or '\'')
                {
                    quotedAny = true;
                    char q = c;
                    i++;
                    while (i < text.Length && text[i] != q)
                    {
                        if (text[i] == '\\' && i + 1 < text.Length) { lit.Append(Unescape(text[i + 1])); i += 2; continue; }
                        AppendChar(text, ref i, lit, word, cmd, specifier, warn);
                    }
                    i++;
                    continue;
                }
                if (c == '\\' && i + 1 < text.Length) { lit.Append(Unescape(text[i + 1])); i += 2; continue; }
                AppendChar(text, ref i, lit, word, cmd, specifier, warn);
            }
            if (lit.Length > 0 || word.Count == 0) word.Add((true, lit.ToString()));
            if (!quotedAny && word.Count == 1 && word[0].Item1 && word[0].Item2 == ";")
            {
                warn("several commands separated by ';' on one line: only the first is carried over");
                break;
            }
            raw.Add(word);
        }
        if (cmd.HasArgv0 && raw.Count >= 2)
        {
            warn("'@' gives argv[0]: perp runs the program under its own name (runargv0 could rename it)");
            raw.RemoveAt(1);
        }
        foreach (var w in raw) cmd.Words.Add(ToShell(w, cmd));
        return cmd;
    }

    private static void AppendChar(string text, ref int i, StringBuilder lit, List<(bool, string)> word, SystemdCommand cmd,
        Func<char, string?> specifier, Action<string> warn)
    {
        char c = text[i];
        if (c == '%' && i + 1 < text.Length)
        {
            char s = text[i + 1];
            if (s == '%') lit.Append('%');
            else if (specifier(s) is { } value) lit.Append(value);
            else { warn($"specifier %{s} is not known here: kept as it is"); lit.Append('%').Append(s); }
            i += 2;
            return;
        }
        if (c == '$' && !cmd.NoSubstitution && i + 1 < text.Length)
        {
            if (text[i + 1] == '$') { lit.Append('$'); i += 2; return; }
            if (text[i + 1] == '{')
            {
                int close = text.IndexOf('}', i + 2);
                if (close > i + 2)
                {
                    if (lit.Length > 0) { word.Add((true, lit.ToString())); lit.Clear(); }
                    word.Add((false, "\"${" + text[(i + 2)..close] + "}\""));
                    i = close + 1;
                    return;
                }
            }
            // A bare $VAR: a word of its own splits at whitespace; inside a word systemd leaves it.
            int j = i + 1;
            while (j < text.Length && (char.IsAsciiLetterOrDigit(text[j]) || text[j] == '_')) j++;
            bool alone = lit.Length == 0 && word.Count == 0 && (j == text.Length || char.IsWhiteSpace(text[j])) && j > i + 1;
            if (alone)
            {
                word.Add((false, "$" + text[(i + 1)..j]));
                cmd.Splits = true;
                i = j;
                return;
            }
        }
        lit.Append(c);
        i++;
    }

    private static string ToShell(List<(bool Literal, string Text)> word, SystemdCommand cmd)
    {
        var sb = new StringBuilder();
        foreach (var (literal, t) in word)
            sb.Append(literal ? (t.Length == 0 && word.Count > 1 ? "" : Shell.Quote(t)) : t);
        return sb.ToString();
    }

    private static char Unescape(char c) => c switch { 'n' => '\n', 't' => '\t', 'r' => '\r', 'a' => '\a', 'b' => '\b', 'f' => '\f', 'v' => '\v', 's' => ' ', _ => c };

    /// <summary>The command as one /bin/sh line.</summary>
    public string ShellLine => string.Join(' ', Words);
}
