using System.Text;

namespace PerpPS.Core.Import;

/// <summary>One assignment of a unit file: section, key, value and where it was written.</summary>
public sealed record UnitEntry(string Section, string Key, string Value, string File, int Line);

/// <summary>
/// A systemd unit file as systemd reads it (systemd.syntax(7)): [Section] headers, Key=Value
/// lines, '#' and ';' comments, a trailing backslash continuing the line; drop-ins in
/// NAME.d/*.conf next to it are read after it, in name order.
/// </summary>
public sealed class SystemdUnit
{
    public SystemdUnit(string path)
    {
        Path = path;
        Read(path);
        string dropIns = path + ".d";
        if (Directory.Exists(dropIns))
            foreach (string f in Directory.EnumerateFiles(dropIns, "*.conf").Order(StringComparer.Ordinal))
                Read(f);
    }

    public string Path { get; }
    public List<UnitEntry> Entries { get; } = new();

    /// <summary>The unit's file name ("web.service").</summary>
    public string UnitName => System.IO.Path.GetFileName(Path);

    /// <summary>Every assignment of a key, in order (an empty value resets a list, as systemd does).</summary>
    public List<UnitEntry> All(string section, string key)
    {
        var list = new List<UnitEntry>();
        foreach (var e in Entries)
        {
            if (e.Section != section || e.Key != key) continue;
            if (e.Value.Length == 0) list.Clear();
            else list.Add(e);
        }
        return list;
    }

    /// <summary>The last assignment of a key, or null.</summary>
    public UnitEntry? Last(string section, string key)
    {
        UnitEntry? last = null;
        foreach (var e in Entries)
            if (e.Section == section && e.Key == key) last = e;
        return last is { Value.Length: > 0 } ? last : null;
    }

    private void Read(string file)
    {
        string section = "";
        string[] lines = File.ReadAllLines(file);
        for (int i = 0; i < lines.Length; i++)
        {
            int lineNo = i + 1;
            string line = lines[i].Trim();
            if (line.Length == 0 || line[0] is '#' or ';') continue;
            if (line[0] == '[' && line.EndsWith(']'))
            {
                section = line[1..^1];
                continue;
            }
            var sb = new StringBuilder();
            while (line.EndsWith('\\') && i + 1 < lines.Length)
            {
                sb.Append(line, 0, line.Length - 1).Append(' ');
                i++;
                line = lines[i].Trim();
                if (line.Length > 0 && line[0] is '#' or ';') line = "";
            }
            sb.Append(line);
            string full = sb.ToString();
            int eq = full.IndexOf('=');
            if (eq <= 0) continue;
            Entries.Add(new UnitEntry(section, full[..eq].Trim(), full[(eq + 1)..].Trim(), file, lineNo));
        }
    }
}
