namespace PerpPS.Core.Posix;

/// <summary>
/// perp's signal-name table (spec §14.3): the 30 classic Linux names, 29 reported as
/// SIGIO; anything else (16, real-time signals) is SIGUNKNOWN.
/// </summary>
public static class SignalNames
{
    public const int SIGHUP = 1, SIGINT = 2, SIGQUIT = 3, SIGILL = 4, SIGTRAP = 5, SIGABRT = 6,
        SIGBUS = 7, SIGFPE = 8, SIGKILL = 9, SIGUSR1 = 10, SIGSEGV = 11, SIGUSR2 = 12,
        SIGPIPE = 13, SIGALRM = 14, SIGTERM = 15, SIGCHLD = 17, SIGCONT = 18, SIGSTOP = 19,
        SIGTSTP = 20, SIGTTIN = 21, SIGTTOU = 22, SIGURG = 23, SIGXCPU = 24, SIGXFSZ = 25,
        SIGVTALRM = 26, SIGPROF = 27, SIGWINCH = 28, SIGIO = 29, SIGPWR = 30, SIGSYS = 31;

    private static readonly string[] Names =
    {
        "SIGUNKNOWN", "SIGHUP", "SIGINT", "SIGQUIT", "SIGILL", "SIGTRAP", "SIGABRT", "SIGBUS",
        "SIGFPE", "SIGKILL", "SIGUSR1", "SIGSEGV", "SIGUSR2", "SIGPIPE", "SIGALRM", "SIGTERM",
        "SIGUNKNOWN", "SIGCHLD", "SIGCONT", "SIGSTOP", "SIGTSTP", "SIGTTIN", "SIGTTOU", "SIGURG",
        "SIGXCPU", "SIGXFSZ", "SIGVTALRM", "SIGPROF", "SIGWINCH", "SIGIO", "SIGPWR", "SIGSYS",
    };

    /// <summary>perp's name for a signal number, "SIGUNKNOWN" when it has none.</summary>
    public static string Name(int signal) =>
        signal > 0 && signal < Names.Length ? Names[signal] : "SIGUNKNOWN";

    /// <summary>The number for a name such as "SIGTERM" or "TERM" (case-insensitive), or 0.</summary>
    public static int Parse(string name)
    {
        string n = name.StartsWith("SIG", StringComparison.OrdinalIgnoreCase) ? name : "SIG" + name;
        for (int i = 1; i < Names.Length; i++)
            if (i != 16 && string.Equals(Names[i], n, StringComparison.OrdinalIgnoreCase)) return i;
        return 0;
    }
}
