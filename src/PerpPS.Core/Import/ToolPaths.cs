namespace PerpPS.Core.Import;

/// <summary>
/// How generated runscripts name perp's programs (runenv, runuid, runnotify, runlimit, tinylog,
/// perpctl). perpd's PATH at boot need not be the importing shell's, so each is written as an
/// absolute path when it can be found: on PATH, else in the extra directories (the importing
/// program's own, the module's bin), else as the multi-call binary there with the program name
/// as first argument, else the bare name.
/// </summary>
public sealed class ToolPaths
{
    private readonly List<string> _directories = new();
    private readonly Dictionary<string, string> _found = new(StringComparer.Ordinal);

    public ToolPaths(IEnumerable<string>? extraDirectories = null, bool searchPath = true)
    {
        if (searchPath)
            _directories.AddRange((Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries));
        if (extraDirectories != null) _directories.AddRange(extraDirectories);
    }

    /// <summary>The shell words that run <paramref name="program"/>.</summary>
    public string Command(string program)
    {
        if (_found.TryGetValue(program, out var known)) return known;
        string result = Locate(program);
        _found[program] = result;
        return result;
    }

    /// <summary>Fixes a program's words (tests, or a caller that knows better).</summary>
    public void Set(string program, string shellWords) => _found[program] = shellWords;

    private string Locate(string program)
    {
        foreach (string dir in _directories)
        {
            string candidate = Path.Combine(dir, program);
            if (File.Exists(candidate)) return Shell.Quote(candidate);
        }
        string multi = program is "perpctl" or "perpls" or "perpstat" or "perpok" or "perphup" ? "perpps-tools" : "perpps-runtools";
        foreach (string dir in _directories)
        {
            string candidate = Path.Combine(dir, multi);
            if (File.Exists(candidate)) return Shell.Quote(candidate) + " " + program;
        }
        return program;
    }
}
