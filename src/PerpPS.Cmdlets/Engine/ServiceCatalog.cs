using System.IO.Enumeration;
using PerpPS.Core.Posix;

namespace PerpPS.Cmdlets.Engine;

/// <summary>
/// The service directories of a base: every entry not starting with '.' that stat()s as a
/// directory (symlinks followed, sticky or not), sorted byte-wise as perpls sorts them.
/// </summary>
internal static class ServiceCatalog
{
    private static readonly EnumerationOptions Entries = new()
    {
        // Directory.EnumerateFileSystemEntries's own options: every entry, errors thrown.
        AttributesToSkip = 0,
        IgnoreInaccessible = false,
        RecurseSubdirectories = false,
        ReturnSpecialDirectories = false,
    };

    /// <param name="statuses">When given, receives each listed directory's stat (what
    /// Get-PerpService needs next: its identity and sticky bit), so it is not taken twice.</param>
    public static List<string> Names(string baseDirectory, Dictionary<string, FileStatus>? statuses = null)
    {
        var names = new List<string>();
        if (!Directory.Exists(baseDirectory)) return names;
        using var handle = BaseHandle.Open(baseDirectory);
        // Names only (no full path string per entry); each stat()ed relative to the base.
        var entries = new FileSystemEnumerable<string>(baseDirectory, (ref FileSystemEntry e) => e.FileName.ToString(), Entries);
        foreach (string name in entries)
        {
            if (name.Length == 0 || name[0] == '.') continue;
            int errno = handle != null ? handle.Stat(name, out var stat) : FileStatus.TryStat(System.IO.Path.Combine(baseDirectory, name), out stat);
            if (errno == 0 && stat.IsDirectory)
            {
                names.Add(name);
                if (statuses != null) statuses[name] = stat;
            }
        }
        names.Sort(StringComparer.Ordinal);
        return names;
    }
}
