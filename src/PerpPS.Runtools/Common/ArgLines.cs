using System.Text;

namespace PerpPS.Runtools.Common;

/// <summary>
/// The line files of runargs, runfile and runenv: one item per line, each line trimmed of
/// blanks, empty lines and lines starting with '#' skipped, the last line may lack its
/// newline; "-" reads stdin.
/// </summary>
internal static class ArgLines
{
    private static readonly char[] Blanks = { ' ', '\t', '\r', '\v', '\f' };

    public static string Trim(string s) => s.Trim(Blanks);

    /// <summary>The raw lines of a file or stdin. Throws IOException/UnauthorizedAccessException.</summary>
    public static string[] ReadRaw(string file)
    {
        string text;
        if (file == "-")
        {
            using var stdin = Console.OpenStandardInput();
            using var reader = new StreamReader(stdin, new UTF8Encoding(false));
            text = reader.ReadToEnd();
        }
        else
        {
            text = File.ReadAllText(file);
        }
        return text.Split('\n');
    }

    /// <summary>The items: trimmed lines, no blanks, no comments.</summary>
    public static List<string> Read(string file)
    {
        var items = new List<string>();
        foreach (string raw in ReadRaw(file))
        {
            string line = Trim(raw);
            if (line.Length == 0 || line[0] == '#') continue;
            items.Add(line);
        }
        return items;
    }

    /// <summary>The errno behind a .NET I/O exception (EIO when it has none).</summary>
    public static int ErrnoOf(Exception e) => e switch
    {
        FileNotFoundException or DirectoryNotFoundException => PerpPS.Core.Posix.Errno.ENOENT,
        UnauthorizedAccessException => PerpPS.Core.Posix.Errno.EACCES,
        IOException io when io.HResult is > 0 and < 4096 => io.HResult,
        _ => PerpPS.Core.Posix.Errno.EIO,
    };
}
