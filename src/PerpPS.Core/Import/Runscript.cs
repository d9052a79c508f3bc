using System.Text;

namespace PerpPS.Core.Import;

/// <summary>
/// An rc.main or rc.log as perpd runs it (spec §3.3): "start NAME" execs the service,
/// "reset NAME exit CODE" or "reset NAME signal NUM SIGNAME" follows each end.
/// </summary>
public sealed class Runscript
{
    private readonly List<string> _header = new();

    public Runscript(params string[] header) => _header.AddRange(header);

    /// <summary>Lines of the start target (the last one should exec the service).</summary>
    public List<string> Start { get; } = new();
    /// <summary>Lines of the reset target; "$3" is exit or signal, "$4" the code or number, "$5" the name.</summary>
    public List<string> Reset { get; } = new();

    public void Comment(string text) => _header.Add(text);

    public string Build()
    {
        var sb = new StringBuilder("#!/bin/sh\n");
        foreach (string h in _header) sb.Append("# ").Append(Shell.Comment(h)).Append('\n');
        sb.Append("case \"$1\" in\n");
        Target(sb, "start", Start);
        Target(sb, "reset", Reset);
        sb.Append("esac\nexit 0\n");
        return sb.ToString();
    }

    private static void Target(StringBuilder sb, string name, List<string> lines)
    {
        if (lines.Count == 0) return;
        sb.Append("  ").Append(name).Append(")\n");
        foreach (string l in lines) sb.Append(l.Length == 0 ? "" : "    ").Append(l).Append('\n');
        sb.Append("    ;;\n");
    }

    /// <summary>rc.log running tinylog into <paramref name="directory"/> (relative to the service directory).</summary>
    public static string Tinylog(ToolPaths tools, string directory, string origin)
    {
        var rc = new Runscript(origin, "perpd pipes main's output into tinylog.");
        rc.Start.Add("exec " + tools.Command("tinylog") + " -t " + Shell.Quote(directory));
        return rc.Build();
    }
}
