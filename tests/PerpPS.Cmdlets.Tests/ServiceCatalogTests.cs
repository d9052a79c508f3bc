using PerpPS.Cmdlets.Engine;
using PerpPS.Core.Posix;

namespace PerpPS.Cmdlets.Tests;

/// <summary>Engine/ServiceCatalog: what the listing knows of each entry, against stat() of it.</summary>
public sealed class ServiceCatalogTests : IDisposable
{
    private readonly TempBase _base = new();

    public void Dispose() => _base.Dispose();

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(7)]
    [InlineData(1000)]
    public void Entries_sort_byte_wise_by_name_each_with_its_own_stat(int seed)
    {
        // Names in a shuffled order (permutations with cycles of every length), odd ones
        // included: case, digits, '-', non-ASCII (ordinal order, as perpls sorts).
        var rng = new Random(seed);
        var names = Enumerable.Range(0, 300).Select(i => (i % 5) switch
        {
            0 => $"svc{i:d5}", 1 => $"Svc{i}", 2 => $"a-{i}", 3 => $"z{i}é", _ => $"{i}",
        }).OrderBy(_ => rng.Next()).ToList();
        var entries = names.Select((n, i) => new ServiceCatalog.Entry(n, new FileStatus(new(1, (ulong)n.GetHashCode()), 0, 0, 0))).ToList();

        ServiceCatalog.SortByName(entries);

        Assert.Equal(names.Order(StringComparer.Ordinal), entries.Select(e => e.Name));
        Assert.All(entries, e => Assert.Equal((ulong)e.Name.GetHashCode(), e.Stat.Id.Inode));
    }

    [Fact]
    public void A_plain_directory_has_its_identity_without_a_stat_and_a_symlink_is_stated()
    {
        _base.AddService("web", "exit 0");
        _base.AddService("idle", "exit 0", active: false);
        Directory.CreateSymbolicLink(_base.Service("alias"), _base.Service("web"));
        Directory.CreateSymbolicLink(_base.Service("dangling"), _base.Service("nowhere"));
        File.WriteAllText(_base.Service("afile"), "");
        Directory.CreateDirectory(_base.Service(".hidden"));

        var entries = ServiceCatalog.Entries(_base.Path);

        Assert.Equal(["alias", "idle", "web"], entries.Select(e => e.Name).ToArray());
        foreach (var e in entries)
        {
            Assert.Equal(0, FileStatus.TryStat(_base.Service(e.Name), out var stat));
            Assert.Equal(stat.Id, e.Stat.Id);
            Assert.True(e.Stat.IsDirectory);
            // A symlink's entry says "link": its target is stat()ed, mode and all.
            Assert.Equal(e.Name == "alias", e.HasMode);
            if (e.HasMode) Assert.Equal(stat, e.Stat);
        }
    }
}
