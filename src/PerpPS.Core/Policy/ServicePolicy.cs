using PerpPS.Core.Posix;

namespace PerpPS.Core.Policy;

/// <summary>
/// A service's policy beyond perp, read from plain files in its service directory at each
/// start (names as s6, s6-rc and runit name the concept): <c>notification-fd</c>,
/// <c>dependencies</c>, <c>check</c> (an executable, looked for by the caller) with
/// <c>check-interval</c>, <c>check-timeout</c>, <c>check-retries</c>, <c>timeout-kill</c>,
/// <c>down-signal</c>, <c>restart-backoff</c> and <c>give-up</c>.
/// <para>A file that cannot be used gives a <see cref="PolicyError"/> (file and reason, for
/// perpd's log or an ErrorRecord) and its default; nothing in a file can throw.
/// Accepted everywhere: a missing final newline, CRLF line ends, blanks around a value.</para>
/// </summary>
public sealed class ServicePolicy
{
    public const string NotificationFdFile = "notification-fd";
    public const string DependenciesFile = "dependencies";
    public const string CheckFile = "check";
    public const string CheckIntervalFile = "check-interval";
    public const string CheckTimeoutFile = "check-timeout";
    public const string CheckRetriesFile = "check-retries";
    public const string TimeoutKillFile = "timeout-kill";
    public const string DownSignalFile = "down-signal";
    public const string RestartBackoffFile = "restart-backoff";
    public const string GiveUpFile = "give-up";

    /// <summary>Every value file, in the order they are read (the check itself is not a value).</summary>
    public static readonly string[] ValueFiles =
    [
        NotificationFdFile, DependenciesFile, CheckIntervalFile, CheckTimeoutFile, CheckRetriesFile,
        TimeoutKillFile, DownSignalFile, RestartBackoffFile, GiveUpFile,
    ];

    /// <summary>Files longer than this are refused (a policy value is a line or a few names).</summary>
    public const int MaxFileBytes = 16 * 1024;
    /// <summary>The highest notification fd accepted (each lower fd is closed in the child).</summary>
    public const int MaxNotificationFd = 1023;
    public const int DefaultCheckInterval = 10, DefaultCheckTimeout = 5, DefaultCheckRetries = 3;

    /// <summary>The fd on which rc.main's start reports readiness, or -1 (no notification-fd).</summary>
    public int NotificationFd { get; init; } = -1;
    /// <summary>Names of the services this one needs up and ready before it starts.</summary>
    public IReadOnlyList<string> Dependencies { get; init; } = [];
    /// <summary>Seconds between health checks.</summary>
    public int CheckInterval { get; init; } = DefaultCheckInterval;
    /// <summary>Seconds a health check may run before it counts as failed.</summary>
    public int CheckTimeout { get; init; } = DefaultCheckTimeout;
    /// <summary>Consecutive failed checks that restart the service.</summary>
    public int CheckRetries { get; init; } = DefaultCheckRetries;
    /// <summary>Milliseconds between down-signal and SIGKILL of the group; null: perpd's default.</summary>
    public long? TimeoutKillMs { get; init; }
    /// <summary>The signal a stop sends (SIGTERM unless down-signal says otherwise).</summary>
    public int DownSignal { get; init; } = SignalNames.SIGTERM;
    /// <summary>True when a down-signal file gave the signal.</summary>
    public bool HasDownSignal { get; init; }
    /// <summary>Backoff cap in seconds; null: perp's one-second governor (or perpd's default).</summary>
    public int? RestartBackoff { get; init; }
    /// <summary>Give up after <see cref="GiveUpCount"/> failed starts within <see cref="GiveUpSeconds"/>; 0: never.</summary>
    public int GiveUpCount { get; init; }
    public int GiveUpSeconds { get; init; }

    /// <summary>True when any stop-policy file is present (the stop escalates to SIGKILL of the group).</summary>
    public bool HasStopPolicy => TimeoutKillMs.HasValue || HasDownSignal;

    /// <summary>
    /// Reads every value file through <paramref name="readFile"/> (returns the bytes, or null
    /// when the file does not exist); each unusable file adds an error and keeps its default.
    /// </summary>
    public static ServicePolicy Read(Func<string, byte[]?> readFile, List<PolicyError> errors)
    {
        byte[]? Get(string file)
        {
            byte[]? b;
            try
            {
                b = readFile(file);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                errors.Add(new PolicyError(file, "cannot be read: " + e.Message));
                return null;
            }
            if (b != null && b.Length > MaxFileBytes)
            {
                errors.Add(new PolicyError(file, $"is longer than {MaxFileBytes} bytes; ignored"));
                return null;
            }
            return b;
        }

        int notificationFd = -1;
        if (Get(NotificationFdFile) is { } nf)
            notificationFd = Number(NotificationFdFile, nf, 3, MaxNotificationFd, -1, errors,
                "must be a descriptor number from 3 to 1023 (0, 1 and 2 are the service's stdin, stdout and stderr)");
        IReadOnlyList<string> deps = Get(DependenciesFile) is { } df ? ParseDependencies(df, errors) : [];
        int interval = Get(CheckIntervalFile) is { } ci
            ? Number(CheckIntervalFile, ci, 1, 86_400, DefaultCheckInterval, errors, "must be seconds from 1 to 86400") : DefaultCheckInterval;
        int timeout = Get(CheckTimeoutFile) is { } ct
            ? Number(CheckTimeoutFile, ct, 1, 3_600, DefaultCheckTimeout, errors, "must be seconds from 1 to 3600") : DefaultCheckTimeout;
        int retries = Get(CheckRetriesFile) is { } cr
            ? Number(CheckRetriesFile, cr, 1, 1_000, DefaultCheckRetries, errors, "must be a count from 1 to 1000") : DefaultCheckRetries;
        long? killMs = null;
        if (Get(TimeoutKillFile) is { } tk)
        {
            long v = Number(TimeoutKillFile, tk, 1, 86_400_000, -1, errors, "must be milliseconds from 1 to 86400000");
            if (v > 0) killMs = v;
        }
        int downSignal = SignalNames.SIGTERM;
        bool hasDown = false;
        if (Get(DownSignalFile) is { } ds)
        {
            string text = Text(ds);
            int sig = SignalNames.Parse(text);
            if (sig == 0 && int.TryParse(text, out int n) && n is > 0 and < 65 && n != SignalNames.SIGKILL && n != SignalNames.SIGSTOP) sig = n;
            if (sig is 0 or SignalNames.SIGKILL or SignalNames.SIGSTOP || text.Length == 0)
                errors.Add(new PolicyError(DownSignalFile, $"'{Shown(text)}' is not a signal name such as TERM, INT, QUIT or HUP; using TERM"));
            else
            {
                downSignal = sig;
                hasDown = true;
            }
        }
        int? backoff = null;
        if (Get(RestartBackoffFile) is { } rb)
        {
            int v = Number(RestartBackoffFile, rb, 1, 86_400, -1, errors, "must be a cap in seconds from 1 to 86400");
            if (v > 0) backoff = v;
        }
        int giveCount = 0, giveSeconds = 0;
        if (Get(GiveUpFile) is { } gu) ParseGiveUp(gu, errors, out giveCount, out giveSeconds);
        return new ServicePolicy
        {
            NotificationFd = notificationFd,
            Dependencies = deps,
            CheckInterval = interval,
            CheckTimeout = timeout,
            CheckRetries = retries,
            TimeoutKillMs = killMs,
            DownSignal = downSignal,
            HasDownSignal = hasDown,
            RestartBackoff = backoff,
            GiveUpCount = giveCount,
            GiveUpSeconds = giveSeconds,
        };
    }

    /// <summary>The file's text without surrounding blanks and line ends (CR, LF).</summary>
    public static string Text(byte[] bytes) =>
        System.Text.Encoding.UTF8.GetString(bytes).Trim(' ', '\t', '\r', '\n');

    /// <summary>A value as it may be quoted in a message: control characters shown as '?', at most 40 characters.</summary>
    private static string Shown(string text)
    {
        var chars = text.Select(c => char.IsControl(c) ? '?' : c).Take(40).ToArray();
        return new string(chars) + (text.Length > 40 ? "..." : "");
    }

    private static int Number(string file, byte[] bytes, int min, int max, int fallback, List<PolicyError> errors, string rule)
    {
        string text = Text(bytes);
        long v = 0;
        bool ok = text.Length > 0 && text.Length <= 12;
        foreach (char c in text)
        {
            if (c < '0' || c > '9')
            {
                ok = false;
                break;
            }
            v = v * 10 + (c - '0');
        }
        if (ok && v >= min && v <= max) return (int)v;
        errors.Add(new PolicyError(file, $"'{Shown(text)}' {rule}; " + (fallback < 0 ? "ignored" : $"using {fallback}")));
        return fallback;
    }

    /// <summary>One name a line; blank lines and lines starting with # are skipped.</summary>
    public static IReadOnlyList<string> ParseDependencies(byte[] bytes, List<PolicyError> errors)
    {
        var names = new List<string>();
        foreach (string raw in System.Text.Encoding.UTF8.GetString(bytes).Split('\n'))
        {
            string line = raw.Trim(' ', '\t', '\r');
            if (line.Length == 0 || line[0] == '#') continue;
            if (!IsServiceName(line))
            {
                errors.Add(new PolicyError(DependenciesFile, $"'{Shown(line)}' is not a service name; ignored"));
                continue;
            }
            if (!names.Contains(line)) names.Add(line);
        }
        return names;
    }

    /// <summary>A name a service directory of a base can have: not empty, no '/', not starting with '.', at most 240 bytes.</summary>
    public static bool IsServiceName(string name) =>
        name.Length > 0 && name[0] != '.' && !name.Contains('/') && !name.Any(char.IsControl)
        && System.Text.Encoding.UTF8.GetByteCount(name) <= 240;

    /// <summary>"N T": N failed starts within T seconds.</summary>
    private static void ParseGiveUp(byte[] bytes, List<PolicyError> errors, out int count, out int seconds)
    {
        count = seconds = 0;
        string text = Text(bytes);
        var parts = text.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length == 2 && int.TryParse(parts[0], System.Globalization.NumberStyles.None, null, out int n)
            && int.TryParse(parts[1], System.Globalization.NumberStyles.None, null, out int t)
            && n is >= 1 and <= 1000 && t is >= 1 and <= 86_400)
        {
            count = n;
            seconds = t;
            return;
        }
        errors.Add(new PolicyError(GiveUpFile,
            $"'{Shown(text)}' must be \"N T\" (N failed starts from 1 to 1000 within T seconds from 1 to 86400); ignored"));
    }
}

/// <summary>A policy file that could not be used, and why (the message names the default taken).</summary>
public readonly record struct PolicyError(string File, string Reason)
{
    public override string ToString() => File + ": " + Reason;
}
