namespace PerpPS.Core.Import;

/// <summary>The service definitions perp-import and Import-PerpService read.</summary>
public enum ImportFormat
{
    /// <summary>Guess from what the path holds (<see cref="FormatGuess"/>).</summary>
    Auto,
    /// <summary>A runit service directory: run, finish, check, down, env/, log/run.</summary>
    Runit,
    /// <summary>A daemontools service directory: run, down, log/run.</summary>
    Daemontools,
    /// <summary>An s6 (or s6-rc longrun) service directory: run, finish, notification-fd, timeout-kill, down-signal, dependencies.d/.</summary>
    S6,
    /// <summary>A systemd .service unit file.</summary>
    Systemd,
    /// <summary>A Procfile (foreman, overmind, honcho): one "name: command" per line.</summary>
    Procfile,
}

/// <summary>Which format a path holds when none is named.</summary>
public static class FormatGuess
{
    /// <summary>
    /// A file: a unit when it ends in .service or has a [Service] section, else a Procfile.
    /// A directory: s6 when it holds s6's own files, runit when it holds what only runit has
    /// (finish, check, env/, control/), else daemontools; a directory of service directories
    /// is guessed from its first one. Null when nothing fits.
    /// </summary>
    public static ImportFormat? Guess(string path)
    {
        if (File.Exists(path))
        {
            if (path.EndsWith(".service", StringComparison.Ordinal)) return ImportFormat.Systemd;
            foreach (string line in File.ReadLines(path))
                if (line.Trim() == "[Service]") return ImportFormat.Systemd;
            return ImportFormat.Procfile;
        }
        if (!Directory.Exists(path)) return null;
        if (File.Exists(Path.Combine(path, "Procfile"))) return ImportFormat.Procfile;
        if (!File.Exists(Path.Combine(path, "run")))
        {
            foreach (string sub in Directory.EnumerateDirectories(path).Order(StringComparer.Ordinal))
                if (File.Exists(Path.Combine(sub, "run")) && Guess(sub) is { } inner) return inner;
            foreach (string f in Directory.EnumerateFiles(path, "*.service").Order(StringComparer.Ordinal))
                return ImportFormat.Systemd;
            return null;
        }
        foreach (string s6 in S6Only)
            if (File.Exists(Path.Combine(path, s6)) || Directory.Exists(Path.Combine(path, s6))) return ImportFormat.S6;
        foreach (string runit in RunitOnly)
            if (File.Exists(Path.Combine(path, runit)) || Directory.Exists(Path.Combine(path, runit))) return ImportFormat.Runit;
        return ImportFormat.Daemontools;
    }

    private static readonly string[] S6Only =
        ["notification-fd", "timeout-kill", "timeout-finish", "down-signal", "dependencies.d", "type", "max-death-tally", "lock-fd", "nosetsid"];

    private static readonly string[] RunitOnly = ["finish", "check", "env", "control", "conf"];
}
