using System.Text.RegularExpressions;

namespace PerpPS.Runtools.Tests.Support;

/// <summary>Reading what tinylog left in a directory.</summary>
public static partial class LogDir
{
    [GeneratedRegex(@"^_\d{8}T\d{6}\.\d{6}\.[su](\.Z)?$")]
    private static partial Regex ArchiveName();

    /// <summary>The archives (oldest first), names only.</summary>
    public static List<string> Archives(string dir)
    {
        var list = new List<string>();
        foreach (string path in Directory.EnumerateFiles(dir))
        {
            string name = System.IO.Path.GetFileName(path);
            if (name.StartsWith('_')) list.Add(name);
        }
        list.Sort(StringComparer.Ordinal);
        return list;
    }

    public static bool IsArchiveName(string name) => ArchiveName().IsMatch(name);

    public static UnixFileMode Mode(string path) => File.GetUnixFileMode(path) & (UnixFileMode)0x1FF;

    public static string Current(string dir) => File.ReadAllText(System.IO.Path.Combine(dir, "current"));

    /// <summary>Lines of 50 bytes (49 characters + newline) numbered from <paramref name="first"/>.</summary>
    public static string FiftyByteLines(int count, int first = 1)
    {
        var sb = new System.Text.StringBuilder();
        for (int i = first; i < first + count; i++) sb.Append(i.ToString("D49")).Append('\n');
        return sb.ToString();
    }
}
