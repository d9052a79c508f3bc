using System.Text;
using PerpPS.Core.Posix;

namespace PerpPS.Runtools.Common;

/// <summary>
/// perp's environment definitions (runenv, runtool -e): a file of "k=v" / "k=" / "k"
/// lines, a directory of one-file-per-variable, or "-" for stdin. Values unescape \n, \t,
/// \_ (space) and \\; any other backslash pair is kept as it is.
/// </summary>
internal static class EnvFile
{
    /// <summary>Applies <paramref name="source"/> to <paramref name="env"/>; usage 100 when it is neither file nor directory, 111 when unreadable.</summary>
    public static void Apply(Tool tool, string source, Environ env)
    {
        try
        {
            if (source == "-")
            {
                ApplyLines(ArgLines.ReadRaw("-"), env);
                return;
            }
            int errno = FileStatus.TryStat(source, out var st);
            if (errno == 0 && st.IsDirectory)
            {
                ApplyDirectory(source, env);
                return;
            }
            if (errno != 0 || !st.IsRegularFile) throw tool.Usage($"newenv {source} not a file or directory");
            ApplyLines(ArgLines.ReadRaw(source), env);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw tool.Fatal($"unable to read environment from {source}", ArgLines.ErrnoOf(e));
        }
    }

    private static void ApplyLines(string[] lines, Environ env)
    {
        foreach (string raw in lines)
        {
            string line = ArgLines.Trim(raw);
            if (line.Length == 0 || line[0] == '#') continue;
            int eq = line.IndexOf('=');
            if (eq < 0)
            {
                env.Unset(line);
                continue;
            }
            string key = ArgLines.Trim(line[..eq]);
            if (key.Length == 0) continue;
            env.Set(key, Unescape(ArgLines.Trim(line[(eq + 1)..])));
        }
    }

    private static void ApplyDirectory(string dir, Environ env)
    {
        var names = new List<string>();
        foreach (string path in Directory.EnumerateFiles(dir))
        {
            string file = Path.GetFileName(path);
            if (!file.StartsWith('.')) names.Add(file);
        }
        names.Sort(StringComparer.Ordinal);
        foreach (string file in names)
        {
            string text = File.ReadAllText(Path.Combine(dir, file));
            int nl = text.IndexOf('\n');
            string value = ArgLines.Trim(nl < 0 ? text : text[..nl]);
            if (value.Length == 0) env.Unset(file);
            else env.Set(file, Unescape(value));
        }
    }

    /// <summary>\n, \t, \_ and \\ become newline, tab, space and backslash.</summary>
    public static string Unescape(string value)
    {
        if (!value.Contains('\\')) return value;
        var sb = new StringBuilder(value.Length);
        for (int i = 0; i < value.Length; i++)
        {
            char c = value[i];
            if (c != '\\' || i + 1 >= value.Length)
            {
                sb.Append(c);
                continue;
            }
            char next = value[i + 1];
            switch (next)
            {
                case 'n': sb.Append('\n'); i++; break;
                case 't': sb.Append('\t'); i++; break;
                case '_': sb.Append(' '); i++; break;
                case '\\': sb.Append('\\'); i++; break;
                default: sb.Append(c); break;
            }
        }
        return sb.ToString();
    }
}
