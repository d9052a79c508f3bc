namespace PerpPS.Cmdlets.Engine;

/// <summary>
/// The runscripts New-PerpService writes. perpd runs "rc.main start NAME" and, after every
/// exit, "rc.main reset NAME exit CODE|signal N SIG" (spec §3.3): start execs the command so
/// its pid is the service's pid (signals reach it), reset does nothing.
/// </summary>
internal static class RunscriptWriter
{
    /// <summary>
    /// rc.main for a /bin/sh command line, written into the script as given (never re-quoted):
    /// one simple command is exec'd, so its pid is the service's pid and perpctl's signals
    /// reach it; anything else (it starts with exec already, or has ; &amp; | redirections,
    /// substitutions, several lines, shell keywords) runs as written in rc.main's shell.
    /// </summary>
    public static string Main(string command) =>
        "#!/bin/sh\n" +
        "# Written by New-PerpService. perpd runs: rc.main start NAME, then after each exit\n" +
        "# rc.main reset NAME exit CODE | signal NUM NAME (nothing to do here).\n" +
        "exec 2>&1\n" +
        "[ \"$1\" = start ] || exit 0\n" +
        (IsSimpleCommand(command) ? "exec " + command.Trim() : command.TrimEnd()) + "\n";

    /// <summary>
    /// One plain command (words, quoted words) that exec can replace the shell with: no shell
    /// operator, redirection, substitution or line break outside quotes, and no keyword,
    /// builtin or assignment first.
    /// </summary>
    internal static bool IsSimpleCommand(string command)
    {
        string text = command.Trim();
        if (text.Length == 0) return false;
        char quote = '\0';
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (quote == '\'') { if (c == '\'') quote = '\0'; continue; }
            if (c == '\\') { i++; continue; }
            if (quote == '"') { if (c == '"') quote = '\0'; continue; }
            if (c is '\'' or '"') { quote = c; continue; }
            if (ShellOperators.Contains(c)) return false;
        }
        if (quote != '\0') return false;
        string first = text.Split(' ', '\t')[0];
        return !ShellKeywords.Contains(first) && !first.Contains('=');
    }

    private const string ShellOperators = ";&|<>()`$\n{}#";

    /// <summary>
    /// First words exec cannot run: the shell's reserved words, its special builtins (POSIX
    /// §2.14: `exec exit 3` would fail with 127 instead of exiting 3) and the builtins that
    /// change the shell itself or have no program of that name.
    /// </summary>
    private static readonly HashSet<string> ShellKeywords = new(StringComparer.Ordinal)
    {
        "!", "case", "do", "done", "elif", "else", "esac", "fi", "for", "if", "in", "then", "until", "while", "function",
        ".", ":", "break", "continue", "eval", "exec", "exit", "export", "readonly", "return", "set", "shift", "times", "trap", "unset",
        "alias", "unalias", "cd", "command", "getopts", "hash", "jobs", "fg", "bg", "local", "read", "type", "ulimit", "umask", "wait",
    };

    /// <summary>rc.log running tinylog into <paramref name="logDirectory"/> (relative to the service directory).</summary>
    public static string Log(string tinylog, string logDirectory) =>
        "#!/bin/sh\n" +
        "# Written by New-PerpService: perpd pipes main's output into tinylog.\n" +
        "case \"$1\" in\n" +
        "  start)\n" +
        "    exec " + ShellQuote(tinylog) + " -t " + ShellQuote(logDirectory) + "\n" +
        "    ;;\n" +
        "esac\n" +
        "exit 0\n";

    /// <summary>
    /// The tinylog to name in rc.log, as an installed user has it: the bare name when tinylog
    /// is on PATH (install.sh puts it in PREFIX/sbin; perpd looks it up on its own PATH at each
    /// start, so a reinstall or a moved build tree does not break the logger), else the copy
    /// bundled with the module by its absolute path, else the bare name.
    /// </summary>
    public static string FindTinylog()
    {
        foreach (string dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries))
            if (File.Exists(Path.Combine(dir, "tinylog"))) return "tinylog";
        string bundled = Path.Combine(ModuleFiles.BinDirectory, "tinylog");
        if (!File.Exists(bundled)) return "tinylog";
        ModuleFiles.MakeExecutable(bundled);
        return bundled;
    }

    /// <summary>Single-quotes a word for /bin/sh when it needs it.</summary>
    public static string ShellQuote(string word)
    {
        foreach (char c in word)
            if (!(char.IsAsciiLetterOrDigit(c) || c is '/' or '.' or '_' or '-' or '+' or ':' or ','))
                return "'" + word.Replace("'", "'\\''") + "'";
        return word.Length == 0 ? "''" : word;
    }
}
