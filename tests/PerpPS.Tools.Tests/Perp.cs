using System.Text.RegularExpressions;

namespace PerpPS.Tools.Tests;

/// <summary>A temp base with the real perpd on it, and the tools run against it.</summary>
internal sealed class Perp : IDisposable
{
    private Perp(TempBase b)
    {
        Base = b;
    }

    public TempBase Base { get; }
    public DaemonProcess? Daemon { get; private set; }

    public static Perp Create(Action<TempBase> define)
    {
        var b = new TempBase();
        define(b);
        return new Perp(b);
    }

    public Perp Start()
    {
        Daemon = DaemonProcess.Start(Base.Path);
        return this;
    }

    public string Path => Base.Path;

    /// <summary>Stops perpd (by pid) in the middle of a test.</summary>
    public void StopDaemon()
    {
        Daemon?.Dispose();
        Daemon = null;
    }

    public ToolResult Run(string program, params string[] args) => Tools.Run(program, Base.Path, args);

    /// <summary>perpls of one service, its single line.</summary>
    public string Ls(string service) => Run("perpls", service).Stdout.TrimEnd('\n');

    /// <summary>Waits until perpls of <paramref name="service"/> matches <paramref name="pattern"/>; returns the line.</summary>
    public string WaitLs(string service, string pattern)
    {
        string last = "";
        Wait.Until(() => Regex.IsMatch(last = Ls(service), pattern), $"perpls {service} =~ {pattern} (last: {last})");
        return last;
    }

    /// <summary>The main pid perpls shows, 0 for "-".</summary>
    public static int MainPid(string line)
    {
        var m = Regex.Match(line, @"pids: (\d+|-)/");
        return m.Success && m.Groups[1].Value != "-" ? int.Parse(m.Groups[1].Value) : 0;
    }

    public static int LogPid(string line)
    {
        var m = Regex.Match(line, @"pids: [^/]+/(\d+)$");
        return m.Success ? int.Parse(m.Groups[1].Value) : 0;
    }

    public void Dispose()
    {
        Daemon?.Dispose();
        Base.Dispose();
    }

    /// <summary>rc.main for a long-running service: start execs sleep, reset exits 0.</summary>
    public const string Sleeper = "[ \"$1\" = start ] && exec sleep 100000\nexit 0\n";

    /// <summary>rc.log that swallows its input.</summary>
    public const string Logger = "[ \"$1\" = start ] && exec cat >/dev/null\nexit 0\n";
}
