using PerpPS.Cmdlets.Engine;
using PerpPS.Core.Posix;

namespace PerpPS.Cmdlets.Tests;

/// <summary>Engine/ServiceCatalog: what the listing knows of each entry, against stat() of it.</summary>
public sealed class ServiceCatalogTests : IDisposable
{
    private readonly TempBase _base = new();

    public void Dispose() => _base.Dispose();

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
