using PerpPS.Core.Posix;

namespace PerpPS.Cmdlets.Engine;

/// <summary>
/// The service directories of a base: every entry not starting with '.' that stat()s as a
/// directory (symlinks followed, sticky or not), sorted byte-wise as perpls sorts them.
/// </summary>
internal static class ServiceCatalog
{
    /// <param name="statuses">When given, receives each listed directory's stat (what
    /// Get-PerpService needs next: its identity and sticky bit), so it is not taken twice.</param>
    public static List<string> Names(string baseDirectory, Dictionary<string, FileStatus>? statuses = null)
    {
        var names = new List<string>();
        if (!Directory.Exists(baseDirectory)) return names;
        foreach (string entry in Directory.EnumerateFileSystemEntries(baseDirectory))
        {
            string name = System.IO.Path.GetFileName(entry);
            if (name.Length == 0 || name[0] == '.') continue;
            if (FileStatus.TryStat(entry, out var stat) == 0 && stat.IsDirectory)
            {
                names.Add(name);
                if (statuses != null) statuses[name] = stat;
            }
        }
        names.Sort(StringComparer.Ordinal);
        return names;
    }
}
