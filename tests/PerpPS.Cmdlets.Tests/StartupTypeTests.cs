using PerpPS.Cmdlets.Engine;
using PerpPS.Core.Posix;

namespace PerpPS.Cmdlets.Tests;

/// <summary>
/// A read PerpService's StartupType: the flag files (flag.down wins, symlinks followed), looked
/// at when the property is first looked at, then kept (issue #13: a listing makes no lookup for it).
/// </summary>
public sealed class StartupTypeTests : IDisposable
{
    private readonly TempBase _temp = new();

    private string Base => _temp.Path;

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Flag_files_give_the_startup_type()
    {
        Directory.CreateDirectory(Path.Combine(Base, "down"));
        File.WriteAllText(Path.Combine(Base, "down", "flag.down"), "");
        File.WriteAllText(Path.Combine(Base, "down", "flag.once"), "");
        Directory.CreateDirectory(Path.Combine(Base, "once"));
        File.CreateSymbolicLink(Path.Combine(Base, "once", "flag.once"), Path.Combine(Base, "down", "flag.down"));
        Directory.CreateDirectory(Path.Combine(Base, "dangling"));
        File.CreateSymbolicLink(Path.Combine(Base, "dangling", "flag.down"), Path.Combine(Base, "nowhere"));
        Directory.CreateSymbolicLink(Path.Combine(Base, "alias"), Path.Combine(Base, "down"));
        Assert.Equal(PerpStartupType.Manual, Read("down"));
        Assert.Equal(PerpStartupType.Manual, Read("alias"));
        Assert.Equal(PerpStartupType.Once, Read("once"));
        Assert.Equal(PerpStartupType.Automatic, Read("dangling"));
        Assert.Equal(PerpStartupType.Automatic, Read("absent"));
    }

    [Fact]
    public void Read_when_first_looked_at_then_kept()
    {
        string dir = Path.Combine(Base, "web");
        Directory.CreateDirectory(dir);
        var service = FromDisk("web");
        // Made after the read: the look, not the read, sees it.
        File.WriteAllText(Path.Combine(dir, "flag.once"), "");
        Assert.Equal(PerpStartupType.Once, service.StartupType);
        File.WriteAllText(Path.Combine(dir, "flag.down"), "");
        Assert.Equal(PerpStartupType.Once, service.StartupType);
        service.StartupType = PerpStartupType.Automatic;
        Assert.Equal(PerpStartupType.Automatic, service.StartupType);
        // An object not read from disk (remoting's rehydration, New-Object) has no files to look at.
        Assert.Equal(PerpStartupType.Automatic, new PerpService { Path = dir }.StartupType);
    }

    private PerpService FromDisk(string name)
    {
        FileStatus.TryStat(Path.Combine(Base, name), out var stat);
        return ServiceReader.FromDisk(Base, name, stat);
    }

    private PerpStartupType Read(string name) => FromDisk(name).StartupType;
}
