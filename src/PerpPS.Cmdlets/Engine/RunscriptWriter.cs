namespace PerpPS.Cmdlets.Engine;

/// <summary>
/// The runscripts New-PerpService writes. perpd runs "rc.main start NAME" and, after every
/// exit, "rc.main reset NAME exit CODE|signal N SIG" (spec §3.3): start execs the command so
/// its pid is the service's pid (signals reach it), reset does nothing.
/// </summary>
internal static class RunscriptWriter
{
    public static string Main(string command) =>
        "#!/bin/sh\n" +
        "# Written by New-PerpService. perpd runs: rc.main start NAME, then after each exit\n" +
        "# rc.main reset NAME exit CODE | signal NUM NAME.\n" +
        "exec 2>&1\n" +
        "case \"$1\" in\n" +
        "  start)\n" +
        "    exec " + command + "\n" +
        "    ;;\n" +
        "esac\n" +
        "exit 0\n";

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
    /// The tinylog to name in rc.log, as an absolute path because perpd's PATH (at boot) need
    /// not be the session's: the one on PATH, else the one bundled with the module, else the
    /// bare name.
    /// </summary>
    public static string FindTinylog()
    {
        foreach (string dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            string candidate = Path.Combine(dir, "tinylog");
            if (File.Exists(candidate)) return candidate;
        }
        string bundled = Path.Combine(ModuleFiles.BinDirectory, "tinylog");
        return File.Exists(bundled) ? bundled : "tinylog";
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
