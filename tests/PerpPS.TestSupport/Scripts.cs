namespace PerpPS.TestSupport;

/// <summary>Runscript bodies the tests share.</summary>
public static class Scripts
{
    /// <summary>
    /// Appends "TARGET ARGS... svpid=P svsecs=S t=UNIXTIME" to <paramref name="file"/> on every
    /// invocation, then runs <paramref name="start"/> for a start (the reset exits 0).
    /// </summary>
    public static string Journal(string file, string start) => $$"""
        echo "$* svpid=$PERP_SVPID svsecs=$PERP_SVSECS t=$(date +%s.%N)" >> {{file}}
        case $1 in start) {{start}} ;; esac
        exit 0
        """;

    /// <summary>A runscript whose start stays up and whose reset ends at once.</summary>
    public const string Forever = "case $1 in start) exec sleep 100000 ;; esac\nexit 0";

    /// <summary>A main that stays up (exec sleep) and journals every start and reset.</summary>
    public static string Sleeper(string file) => Journal(file, "exec sleep 100000");
}
