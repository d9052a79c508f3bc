using PerpPS.Core.Cli;
using PerpPS.Core.Interop;
using PerpPS.Core.Posix;

namespace PerpPS.Runtools.Common;

/// <summary>
/// What every program shares: its name (basename of argv[0]), its usage line, and its
/// diagnostics in perp's exact shapes and exit codes (100 usage, 111 system error).
/// </summary>
internal sealed class Tool
{
    public const int ExitUsage = ExitCode.Usage, ExitFatal = ExitCode.Fatal;
    public const string Version = "2.07";

    public Tool(string name, string usageTail, MessageStyle style = MessageStyle.Runtool)
    {
        Name = name;
        UsageLine = $"usage: {name} {usageTail}";
        Style = style;
    }

    public string Name { get; }
    public string UsageLine { get; }
    public MessageStyle Style { get; }

    private string Prefix(string kind) => Style switch
    {
        MessageStyle.Runtool => kind.Length == 0 ? $"{Name}: " : $"{Name}: {kind}: ",
        MessageStyle.Client => kind.Length == 0 ? $"{Name}: " : $"{Name} {kind}: ",
        _ => kind switch
        {
            "" => $"{Name}[{Environment.ProcessId}]: ",
            "warning" => $"warning: {Name}[{Environment.ProcessId}]: ",
            _ => $"error: {Name}[{Environment.ProcessId}]: {kind}: ",
        },
    };

    /// <summary>
    /// Writes one line to stderr (perp's diagnostics all go there) with a plain write(2):
    /// no Console machinery, which may be unable to start once a tool has lowered its own
    /// limits, and one write per line so lines from several processes never interleave.
    /// </summary>
    public static unsafe void Err(string line)
    {
        byte[] bytes = System.Text.Encoding.UTF8.GetBytes(line + "\n");
        fixed (byte* b = bytes)
        {
            int done = 0;
            while (done < bytes.Length)
            {
                nint n = Libc.Write(2, b + done, bytes.Length - done);
                if (n <= 0) return;
                done += (int)n;
            }
        }
    }

    public void Info(string text) => Err(Prefix("") + text);

    public void Warn(string text) => Err(Style == MessageStyle.Client ? $"{Name}: warning: {text}" : Prefix("warning") + text);

    /// <summary>"PROG: usage error: TEXT" + the usage line, exit 100.</summary>
    public ToolExit Usage(string text)
    {
        Err(Prefix("usage error") + text);
        Err(UsageLine);
        return new ToolExit(ExitUsage);
    }

    /// <summary>"PROG: fatal: TEXT: MESG (ENAME)", exit 111.</summary>
    public ToolExit Fatal(string text, int errno)
    {
        Err(Prefix("fatal") + text + ": " + Errno.Describe(errno));
        return new ToolExit(ExitFatal);
    }

    /// <summary>"PROG: fatal: TEXT" with no errno, exit 111.</summary>
    public ToolExit Fatal(string text)
    {
        Err(Prefix("fatal") + text);
        return new ToolExit(ExitFatal);
    }

    /// <summary>-h: the usage line, exit 0.</summary>
    public ToolExit Help()
    {
        Err(UsageLine);
        return new ToolExit(0);
    }

    /// <summary>-?: the usage line alone, exit 100.</summary>
    public ToolExit UsageOnly()
    {
        Err(UsageLine);
        return new ToolExit(ExitUsage);
    }

    /// <summary>-V: "PROG: version: 2.07" (clients: "version: PROG 2.07"), exit 0.</summary>
    public ToolExit PrintVersion()
    {
        Err(Style == MessageStyle.Client ? $"version: {Name} {Version}" : $"{Name}: version: {Version}");
        return new ToolExit(0);
    }

    public ToolExit InvalidOption(char option) => Style switch
    {
        MessageStyle.Daemon => Usage($"invalid option -{option}"),
        _ => Usage($"invalid option: -{option}"),
    };

    public ToolExit MissingArgument(char option) => Style switch
    {
        MessageStyle.Daemon => Usage($"missing argument for option -{option}"),
        _ => Usage($"missing argument for option: -{option}"),
    };
}
