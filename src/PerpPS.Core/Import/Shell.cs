using System.Text;

namespace PerpPS.Core.Import;

/// <summary>Writing words for /bin/sh.</summary>
public static class Shell
{
    /// <summary>A word as /bin/sh reads it back unchanged: bare when safe, else single-quoted.</summary>
    public static string Quote(string word)
    {
        if (word.Length == 0) return "''";
        foreach (char c in word)
            if (!(char.IsAsciiLetterOrDigit(c) || c is '/' or '.' or '_' or '-' or '+' or ':' or ',' or '=' or '@' or '%'))
                return "'" + word.Replace("'", "'\\''") + "'";
        return word;
    }

    /// <summary>Words joined with spaces, each quoted.</summary>
    public static string Join(IEnumerable<string> words)
    {
        var sb = new StringBuilder();
        foreach (string w in words)
        {
            if (sb.Length > 0) sb.Append(' ');
            sb.Append(Quote(w));
        }
        return sb.ToString();
    }

    /// <summary>A comment line's text without newlines.</summary>
    public static string Comment(string text) => text.Replace('\n', ' ').Replace('\r', ' ');
}
