using PerpPS.Core.Cli;
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
/// </list>
/// </summary>
internal sealed class DaemonOptions
{
    public const string Usage = "usage: perpd [-hV] [-a secs] [-g gid] [basedir]";
    public const string UsageAdditions =
        "  PerpPS additions: [-k secs] stop timeout before SIGKILL at deactivation/shutdown (default 10, 0 = never);"
        + " [-c conns] client connections served at once (default 20)";

    /// <summary>More clients than this at once are not served (-c is clamped to it).</summary>
    private const uint MaxClientsCeiling = 10_000;

    public uint AutoscanSeconds { get; private set; }
    public uint? SocketGroup { get; private set; }
    public uint StopTimeoutSeconds { get; private set; } = 10;
    public int MaxClients { get; private set; } = 20;
    public string BaseDirectory { get; private set; } = "";

    /// <summary>What the command line asks for: run, or exit at once with a code.</summary>
    public enum Outcome { Run, Exit }

    /// <summary>Parses; on any outcome but Run, the messages are already written and <paramref name="exitCode"/> is set.</summary>
    public static Outcome Parse(string[] args, DaemonLog log, out DaemonOptions options, out int exitCode)
    {
        options = new DaemonOptions();
        exitCode = 0;
        var opt = new NextOpt(args, "hVa:g:k:c:", start: 0);
        for (char c; (c = opt.Next()) != NextOpt.End;)
        {
            switch (c)
            {
                case 'h':
                    WriteRaw(Usage + "\n" + UsageAdditions + "\n");
                    return Outcome.Exit;
                case 'V':
                    WriteRaw("version: perpd 2.07\n");
                    return Outcome.Exit;
                case NextOpt.Invalid when opt.Got == '?':
                    WriteRaw(Usage + "\n");
                    exitCode = ExitCode.Usage;
                    return Outcome.Exit;
                case NextOpt.Invalid:
                    return UsageError(log, $"invalid option -{opt.Got}", out exitCode);
                case NextOpt.MissingArgument:
                    return UsageError(log, $"missing argument for option -{opt.Got}", out exitCode);
                default:
                    if (!options.Apply(c, opt.Argument!, log, out exitCode)) return Outcome.Exit;
                    break;
            }
        }
        string? given = opt.Index < args.Length ? args[opt.Index] : null;
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
                if (!Nuscan.TryUInt32(value, out uint secs))
                    return UsageError(log, $"non-numeric argument found for option -a: {value}", out exitCode) == Outcome.Run;
                AutoscanSeconds = secs;
                return true;
            case 'k':
                if (!Nuscan.TryUInt32(value, out uint stop))
                    return UsageError(log, $"non-numeric argument found for option -k: {value}", out exitCode) == Outcome.Run;
                StopTimeoutSeconds = stop;
                return true;
            case 'c':
                if (!Nuscan.TryUInt32(value, out uint conns))
                    return UsageError(log, $"non-numeric argument found for option -c: {value}", out exitCode) == Outcome.Run;
                if (conns == 0)
                    return UsageError(log, $"option -c needs at least one connection: {value}", out exitCode) == Outcome.Run;
                MaxClients = (int)Math.Min(conns, MaxClientsCeiling);
                return true;
            default: // 'g'
                // perp's quirk (edge case 30): numeric only when the first character is 1..8.
                if (value.Length > 0 && value[0] >= '1' && value[0] <= '8' && Nuscan.TryUInt32(value, out uint gid))
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
        exitCode = ExitCode.Usage;
        return Outcome.Exit;
    }

    private static unsafe void WriteRaw(string text)
    {
        byte[] b = Encoding.UTF8.GetBytes(text);
        fixed (byte* p = b) Libc.Write(2, p, b.Length);
    }
}
