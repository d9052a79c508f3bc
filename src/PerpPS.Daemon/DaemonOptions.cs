using PerpPS.Core.Interop;
using System.Text;
using PerpPS.Daemon.Interop;

namespace PerpPS.Daemon;

/// <summary>
/// perpd's command line (spec §2.1, parsed as lasagna's nextopt does, §14.1):
/// <c>perpd [-hV] [-a secs] [-g gid] [basedir]</c>, plus two PerpPS additions:
/// <list type="bullet">
/// <item><c>-k secs</c>: stop timeout. During deactivation and shutdown a runscript still
/// running <c>secs</c> seconds after perpd asked it to stop gets SIGKILL on its process
/// group, so perpd never hangs on a TERM-ignoring service (perp 2.07 waits forever).
/// Default 10; 0 restores perp's behaviour (wait forever).</item>
/// <item><c>-c conns</c>: how many client connections are served at once (default 20, perp's
/// PERPD_CONNMAX; one more is accepted and closed with perp's warning).</item>
/// <item><c>-w subs</c>: how many event subscribers (W connections, docs/protocol-extensions.md)
/// are served at once, apart from the clients of -c (default 128).</item>
/// </list>
/// </summary>
internal sealed class DaemonOptions
{
    public const string Usage = "usage: perpd [-hV] [-a secs] [-g gid] [basedir]";
    public const string UsageAdditions =
        "  PerpPS additions: [-k secs] stop timeout before SIGKILL at deactivation/shutdown (default 10, 0 = never);"
        + " [-c conns] client connections served at once (default 20);"
        + " [-w subs] event subscribers served at once (default 128);"
        + " [-t msecs] default timeout-kill of every stop (0 = perp's stop); [-r secs] default restart-backoff cap (0 = 1 s governor)";

    public uint AutoscanSeconds { get; private set; }
    public uint? SocketGroup { get; private set; }
    public uint StopTimeoutSeconds { get; private set; } = 10;
    public int MaxClients { get; private set; } = 20;
    /// <summary>-t msecs: timeout-kill for services without their own file (0: perp's stop).</summary>
    public uint DefaultTimeoutKillMs { get; private set; }
    /// <summary>-r secs: restart-backoff cap for services without their own file (0: perp's 1 s governor).</summary>
    public uint DefaultRestartBackoff { get; private set; }
    public int MaxSubscribers { get; private set; } = 128;
    public string BaseDirectory { get; private set; } = "";

    /// <summary>What the command line asks for: run, or exit at once with a code.</summary>
    public enum Outcome { Run, Exit }

    /// <summary>Parses; on any outcome but Run, the messages are already written and <paramref name="exitCode"/> is set.</summary>
    public static Outcome Parse(string[] args, DaemonLog log, out DaemonOptions options, out int exitCode)
    {
        options = new DaemonOptions();
        exitCode = 0;
        int i = 0;
        for (; i < args.Length; i++)
        {
            string a = args[i];
            if (a == "--") { i++; break; }
            if (a.Length < 2 || a[0] != '-') break;
            for (int j = 1; j < a.Length; j++)
            {
                char c = a[j];
                switch (c)
                {
                    case 'h':
                        WriteRaw(Usage + "\n" + UsageAdditions + "\n");
                        return Outcome.Exit;
                    case 'V':
                        WriteRaw("version: perpd 2.07\n");
                        return Outcome.Exit;
                    case 'a' or 'g' or 'k' or 'c' or 'w' or 't' or 'r':
                        string value;
                        if (j + 1 < a.Length) value = a[(j + 1)..];
                        else if (i + 1 < args.Length) value = args[++i];
                        else return UsageError(log, $"missing argument for option -{c}", out exitCode);
                        if (!options.Apply(c, value, log, out exitCode)) return Outcome.Exit;
                        j = a.Length;
                        break;
                    case '?':
                        WriteRaw(Usage + "\n");
                        exitCode = 100;
                        return Outcome.Exit;
                    default:
                        return UsageError(log, $"invalid option -{c}", out exitCode);
                }
            }
        }
        string? given = i < args.Length ? args[i] : null;
        options.BaseDirectory = !string.IsNullOrEmpty(given) ? given
            : Environment.GetEnvironmentVariable("PERP_BASE") is { Length: > 0 } env ? env
            : "/etc/perp";
        if (options.BaseDirectory[0] != '/')
            return UsageError(log, "base directory not defined as absolute path: " + options.BaseDirectory, out exitCode);
        return Outcome.Run;
    }

    private bool Apply(char option, string value, DaemonLog log, out int exitCode)
    {
        exitCode = 0;
        switch (option)
        {
            case 'a':
                if (!TryUnsigned(value, out uint secs))
                    return UsageError(log, $"non-numeric argument found for option -a: {value}", out exitCode) == Outcome.Run;
                AutoscanSeconds = secs;
                return true;
            case 'k':
                if (!TryUnsigned(value, out uint stop))
                    return UsageError(log, $"non-numeric argument found for option -k: {value}", out exitCode) == Outcome.Run;
                StopTimeoutSeconds = stop;
                return true;
            case 't':
                if (!TryUnsigned(value, out uint killMs) || killMs > 86_400_000)
                    return UsageError(log, $"non-numeric argument found for option -t: {value}", out exitCode) == Outcome.Run;
                DefaultTimeoutKillMs = killMs;
                return true;
            case 'r':
                if (!TryUnsigned(value, out uint cap) || cap > 86_400)
                    return UsageError(log, $"non-numeric argument found for option -r: {value}", out exitCode) == Outcome.Run;
                DefaultRestartBackoff = cap;
                return true;
            case 'c':
                if (!TryUnsigned(value, out uint conns) || conns == 0)
                    return UsageError(log, $"non-numeric argument found for option -c: {value}", out exitCode) == Outcome.Run;
                MaxClients = (int)Math.Min(conns, 10_000u);
                return true;
            case 'w':
                if (!TryUnsigned(value, out uint subs))
                    return UsageError(log, $"non-numeric argument found for option -w: {value}", out exitCode) == Outcome.Run;
                MaxSubscribers = (int)Math.Min(subs, 10_000u);
                return true;
            default: // 'g'
                // perp's quirk (edge case 30): numeric only when the first character is 1..8.
                if (value.Length > 0 && value[0] >= '1' && value[0] <= '8' && TryUnsigned(value, out uint gid))
                {
                    SocketGroup = gid;
                    return true;
                }
                if (LookupGroup(value) is { } found)
                {
                    SocketGroup = found;
                    return true;
                }
                return UsageError(log, $"no group id found for option -g {value}", out exitCode) == Outcome.Run;
        }
    }

    /// <summary>Unsigned 32-bit decimal; the empty string is 0 (edge case 31).</summary>
    private static bool TryUnsigned(string s, out uint value)
    {
        value = 0;
        ulong v = 0;
        foreach (char ch in s)
        {
            if (ch < '0' || ch > '9') return false;
            v = v * 10 + (uint)(ch - '0');
            if (v > uint.MaxValue) return false;
        }
        value = (uint)v;
        return true;
    }

    private static unsafe uint? LookupGroup(string name)
    {
        byte[] z = Core.Posix.NativePath.ToBytes(name);
        byte* g;
        fixed (byte* p = z) g = Libc.GetGrNam(p);
        if (g == null) return null;
        return *(uint*)(g + 2 * sizeof(nint));
    }

    private static Outcome UsageError(DaemonLog log, string text, out int exitCode)
    {
        log.Error().Add("usage error: ").Add(text).Line();
        WriteRaw(Usage + "\n");
        exitCode = 100;
        return Outcome.Exit;
    }

    private static unsafe void WriteRaw(string text)
    {
        byte[] b = Encoding.UTF8.GetBytes(text);
        fixed (byte* p = b) Libc.Write(2, p, b.Length);
    }
}
