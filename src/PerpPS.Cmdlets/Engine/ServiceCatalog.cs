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

    /// <summary>A listed service directory and the stat the listing took of it (what Get-PerpService needs next: its identity and sticky bit).</summary>
    public readonly record struct Entry(string Name, FileStatus Stat);

    /// <summary>The names of the service directories, sorted.</summary>
    public static List<string> Names(string baseDirectory) => Entries(baseDirectory).ConvertAll(e => e.Name);

    // How many the last listing found: the next one's capacity, so a big base's list is one
    // allocation, not a doubling series (at 10,000 services ~1 MB of large-object garbage per
    // call, issue #13). A hint: any base may be listed next.
    private static int s_lastCount;

    /// <summary>The service directories with their stats, sorted by name.</summary>
    public static List<Entry> Entries(string baseDirectory)
    {
        var names = new List<Entry>(Volatile.Read(ref s_lastCount));
        if (!Directory.Exists(baseDirectory)) return names;
        using var handle = BaseHandle.Open(baseDirectory);
        // Names only (no full path string per entry); each stat()ed relative to the base.
        var entries = new FileSystemEnumerable<string>(baseDirectory, (ref FileSystemEntry e) => e.FileName.ToString(), Listing);
        foreach (string name in entries)
        {
            if (name.Length == 0 || name[0] == '.') continue;
            int errno = handle != null ? handle.Stat(name, out var stat) : FileStatus.TryStat(System.IO.Path.Combine(baseDirectory, name), out stat);
            if (errno == 0 && stat.IsDirectory) names.Add(new Entry(name, stat));
        }
        names.Sort(static (a, b) => string.CompareOrdinal(a.Name, b.Name));
        Volatile.Write(ref s_lastCount, names.Count);
        return names;
    }
}
