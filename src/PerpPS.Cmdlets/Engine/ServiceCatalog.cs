using System.IO.Enumeration;
using System.Runtime.InteropServices;
using System.Text;
using PerpPS.Core.Posix;
using PerpPS.Core.Protocol;

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

    /// <summary>
    /// A listed service directory and what the listing knows of it. <see cref="HasMode"/>
    /// false: the directory entry said "directory" (d_type), and its identity is its d_ino on
    /// the base's device, with no stat() of it, so its sticky bit and owner are not known (a
    /// listing of 10,000 spends most of its time in those stats, issue #13). The identity is
    /// then a guess that holds for every directory but a mount point or another file system's
    /// root inside the base; <see cref="PerpCmdlet.ReadServices"/> stats an entry whose guess
    /// perpd does not know.
    /// </summary>
    public readonly record struct Entry(string Name, FileStatus Stat, bool HasMode = true);

    /// <summary>The names of the service directories, sorted.</summary>
    public static List<string> Names(string baseDirectory) => Entries(baseDirectory).ConvertAll(e => e.Name);

    /// <summary>The service directories with their stats, sorted by name.</summary>
    public static List<Entry> Entries(string baseDirectory)
    {
        var names = new List<Entry>();
        if (!Directory.Exists(baseDirectory)) return names;
        using var handle = BaseHandle.Open(baseDirectory);
        if (handle == null || !handle.TryDevice(out ulong device)) ListByPath(baseDirectory, names);
        else List(handle, device, names);
        SortByName(names);
        Size.Done(names.Count);
        return names;
    }

    /// <summary>
    /// Sorts byte-wise by name (ordinal order of the UTF-16 names, which is UTF-8's byte order
    /// but for names outside the BMP, as before). The names are sorted with their indices and
    /// the entries then moved once each into place: a sort of the 48-byte entries themselves
    /// was ~6% of a Get-PerpService of 10,000 in swaps alone (issue #13).
    /// </summary>
    internal static void SortByName(List<Entry> entries)
    {
        int n = entries.Count;
        if (n < 2) return;
        var span = CollectionsMarshal.AsSpan(entries);
        var keys = new string[n];
        var order = new int[n];
        for (int i = 0; i < n; i++) (keys[i], order[i]) = (span[i].Name, i);
        Array.Sort(keys, order, StringComparer.Ordinal);
        // order[i] is the entry that belongs at i: follow each cycle of the permutation once,
        // marking each place done by its order becoming its own index.
        for (int start = 0; start < n; start++)
        {
            if (order[start] == start) continue;
            var held = span[start];
            int at = start;
            while (order[at] != start)
            {
                int from = order[at];
                span[at] = span[from];
                order[at] = at;
                at = from;
            }
            span[at] = held;
            order[at] = at;
        }
    }

    /// <summary>The base's entries through its descriptor: a stat() only of those whose type the entry does not give (a symlink, or a file system without d_type).</summary>
    private static void List(BaseHandle handle, ulong device, List<Entry> names)
    {
        var entries = new DirectoryEntries(handle.Descriptor, new byte[32 * 1024]);
        while (entries.MoveNext())
        {
            var raw = entries.Name;
            if (raw.IsEmpty || raw[0] == (byte)'.') continue;
            string name = Encoding.UTF8.GetString(raw);
            Entry entry;
            // A name that is not UTF-8 decodes with U+FFFD and stats as some other name (so
            // is left out, as before): only a name that round-trips skips the stat.
            if (entries.Type == DirectoryEntries.TypeDirectory && !name.Contains('\uFFFD'))
                entry = new Entry(name, new FileStatus(new ServiceId(device, entries.Inode), FileStatus.S_IFDIR, 0, 0), HasMode: false);
            else if (entries.Type is DirectoryEntries.TypeDirectory or DirectoryEntries.TypeSymlink or DirectoryEntries.TypeUnknown
                     && handle.Stat(name, out var stat) == 0 && stat.IsDirectory)
                entry = new Entry(name, stat);
            else
                continue;
            Size.BeforeAdd(names);
            names.Add(entry);
        }
        if (entries.Errno != 0) throw new PosixException(entries.Errno, $"failure readdir() on {handle.Path}");
    }

    /// <summary>The base's entries by name, each stat()ed by its absolute path (a base that cannot be opened, but exists).</summary>
    private static void ListByPath(string baseDirectory, List<Entry> names)
    {
        var entries = new FileSystemEnumerable<string>(baseDirectory, (ref FileSystemEntry e) => e.FileName.ToString(), Listing);
        foreach (string name in entries)
        {
            if (name.Length == 0 || name[0] == '.') continue;
            if (FileStatus.TryStat(System.IO.Path.Combine(baseDirectory, name), out var stat) != 0 || !stat.IsDirectory) continue;
            Size.BeforeAdd(names);
            names.Add(new Entry(name, stat));
        }
    }
}
