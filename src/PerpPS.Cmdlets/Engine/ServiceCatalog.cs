using System.IO.Enumeration;
using PerpPS.Core.Posix;

namespace PerpPS.Cmdlets.Engine;

/// <summary>
/// The service directories of a base: every entry not starting with '.' that stat()s as a
/// directory (symlinks followed, sticky or not), sorted byte-wise as perpls sorts them.
/// </summary>
internal static class ServiceCatalog
{
    private static readonly EnumerationOptions Listing = new()
    {
        // Directory.EnumerateFileSystemEntries's own options: every entry, errors thrown.
        AttributesToSkip = 0,
        IgnoreInaccessible = false,
        RecurseSubdirectories = false,
        ReturnSpecialDirectories = false,
    };

    private static readonly CapacityHint Size = new();

    /// <summary>A listed service directory and the stat the listing took of it (what Get-PerpService needs next: its identity and sticky bit).</summary>
    public readonly record struct Entry(string Name, FileStatus Stat);

    /// <summary>The names of the service directories, sorted.</summary>
    public static List<string> Names(string baseDirectory) => Entries(baseDirectory).ConvertAll(e => e.Name);

    /// <summary>The service directories with their stats, sorted by name.</summary>
    public static List<Entry> Entries(string baseDirectory)
    {
        var names = new List<Entry>();
        if (!Directory.Exists(baseDirectory)) return names;
        using var handle = BaseHandle.Open(baseDirectory);
        // Names only (no full path string per entry); each stat()ed relative to the base.
        var entries = new FileSystemEnumerable<string>(baseDirectory, (ref FileSystemEntry e) => e.FileName.ToString(), Listing);
        foreach (string name in entries)
        {
            if (name.Length == 0 || name[0] == '.') continue;
            int errno = handle != null ? handle.Stat(name, out var stat) : FileStatus.TryStat(System.IO.Path.Combine(baseDirectory, name), out stat);
            if (errno != 0 || !stat.IsDirectory) continue;
            Size.BeforeAdd(names);
            names.Add(new Entry(name, stat));
        }
        names.Sort(static (a, b) => string.CompareOrdinal(a.Name, b.Name));
        Size.Done(names.Count);
        return names;
    }
}
