using PerpPS.Cmdlets.Engine;

namespace PerpPS.Cmdlets.Tests;

/// <summary>
/// The module's dependency index (Engine/DependencyIndex): the files of a real temporary base,
/// read when first asked for, with the same answers as Core's DependencyGraph.DependantsOf.
/// </summary>
public sealed class DependencyIndexTests : IDisposable
{
    private readonly string _base = Directory.CreateTempSubdirectory("perpps-depindex-").FullName;

    public void Dispose() => Directory.Delete(_base, recursive: true);

    private void Service(string name, params string[] deps)
    {
        Directory.CreateDirectory(Path.Combine(_base, name));
        if (deps.Length > 0) File.WriteAllText(Path.Combine(_base, name, "dependencies"), string.Join('\n', deps) + "\n");
    }

    [Fact]
    public void Dependants_are_sorted_once_each_without_the_service_itself_and_hidden_or_file_entries_count_for_nothing()
    {
        Service("web", "db", "cache", "db");
        Service("api", "db");
        Service("db", "db");
        Service("cache");
        Service(".hidden", "db");
        File.WriteAllText(Path.Combine(_base, "notes"), "db\n");
        var index = new DependencyIndex(_base);
        Assert.Equal(["api", "web"], index.DependantsOf("db"));
        Assert.Equal(["web"], index.DependantsOf("cache"));
        Assert.Empty(index.DependantsOf("web"));
        Assert.Empty(index.DependantsOf("absent"));
        Assert.Equal(["db", "cache"], index.RequiredOf("web"));
        Assert.Equal(["api", "db", "web"], index.Map.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Nothing_is_read_before_it_is_asked_for_and_the_map_once_read_stays()
    {
        Service("a");
        var index = new DependencyIndex(_base);
        var service = new PerpService { Name = "b", Base = _base, Dependencies = index };
        // Written after the object was made: its first access reads the disk as it is then.
        Service("b", "a");
        Assert.Equal(["a"], service.RequiredServices);
        Assert.Equal(["b"], new PerpService { Name = "a", Base = _base, Dependencies = index }.DependentServices);
        // The map is read now; a later change is not seen by this invocation's index.
        Service("c", "a");
        Assert.Equal(["b"], index.DependantsOf("a"));
        Assert.Empty(index.RequiredOf("c"));
        Assert.Empty(new PerpService { Name = "x" }.DependentServices);
    }
}
