namespace PerpPS.Cmdlets.Engine;

/// <summary>
/// Finds the tinylog directory of a service: the directory operand of the tinylog command
/// in its rc.log (options -k/-s take a value, -r/-t/-z do not), taken relative to the
/// service directory (rc.log's cwd); else the convention SERVICE/log.
/// </summary>
internal static class LogDirectoryLocator
{
    public static string Find(string serviceDirectory)
    {
        string rcLog = Path.Combine(serviceDirectory, "rc.log");
        if (File.Exists(rcLog))
        {
            foreach (string line in File.ReadLines(rcLog))
                if (FromLine(line) is { } dir)
                    return Path.GetFullPath(Path.Combine(serviceDirectory, dir));
        }
        return Path.Combine(serviceDirectory, "log");
    }

    /// <summary>The directory operand of a line that runs tinylog, or null.</summary>
    public static string? FromLine(string line)
    {
        string text = line.Trim();
        if (text.StartsWith('#')) return null;
        var words = Words(text);
        int at = words.FindIndex(w => w == "tinylog" || w.EndsWith("/tinylog", StringComparison.Ordinal));
        if (at < 0) return null;
        for (int i = at + 1; i < words.Count; i++)
        {
            string w = words[i];
            if (w == "--") return i + 1 < words.Count ? words[i + 1] : null;
            if (w.StartsWith('-') && w.Length > 1)
            {
                // -k N / -s N (or attached -k5): skip the value.
                if ((w.EndsWith('k') || w.EndsWith('s')) && !w.Contains('=')) i++;
                continue;
            }
            if (w is ";" or "&&" or "||" or "|") return null;
            return w;
        }
        return null;
    }

    /// <summary>Splits a shell line into words, honouring simple single and double quotes.</summary>
    private static List<string> Words(string text)
    {
        var words = new List<string>();
        var current = new System.Text.StringBuilder();
        char quote = '\0';
        bool any = false;
        foreach (char c in text)
        {
            if (quote != '\0')
            {
                if (c == quote) quote = '\0';
                else current.Append(c);
                continue;
            }
            if (c is '\'' or '"') { quote = c; any = true; continue; }
            if (char.IsWhiteSpace(c))
            {
                if (any || current.Length > 0) words.Add(current.ToString());
                current.Clear();
                any = false;
                continue;
            }
            current.Append(c);
        }
        if (any || current.Length > 0) words.Add(current.ToString());
        return words;
    }
}
