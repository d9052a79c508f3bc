using PerpPS.Cmdlets.Engine;
using PerpPS.Core.Posix;

namespace PerpPS.Cmdlets.Tests;

/// <summary>
/// A read PerpService's StartupType: the flag files (flag.down wins, symlinks followed), looked
/// at when the property is first looked at, then kept (issue #13: a listing makes no lookup for it).
/// </summary>
public sealed class StartupTypeTests : IDisposable
{
    private readonly string _base = Directory.CreateTempSubdirectory("perpps-startuptype-").FullName;

    public void Dispose() => Directory.Delete(_base, recursive: true);

    [Fact]
    public void Flag_files_give_the_startup_type()
    {
        Directory.CreateDirectory(Path.Combine(_base, "down"));
        File.WriteAllText(Path.Combine(_base, "down", "flag.down"), "");
        File.WriteAllText(Path.Combine(_base, "down", "flag.once"), "");
        Directory.CreateDirectory(Path.Combine(_base, "once"));
        File.CreateSymbolicLink(Path.Combine(_base, "once", "flag.once"), Path.Combine(_base, "down", "flag.down"));
        Directory.CreateDirectory(Path.Combine(_base, "dangling"));
        File.CreateSymbolicLink(Path.Combine(_base, "dangling", "flag.down"), Path.Combine(_base, "nowhere"));
        Directory.CreateSymbolicLink(Path.Combine(_base, "alias"), Path.Combine(_base, "down"));
        Assert.Equal(PerpStartupType.Manual, Read("down"));
        Assert.Equal(PerpStartupType.Manual, Read("alias"));
        Assert.Equal(PerpStartupType.Once, Read("once"));
        Assert.Equal(PerpStartupType.Automatic, Read("dangling"));
        Assert.Equal(PerpStartupType.Automatic, Read("absent"));
    }

    [Fact]
    public void Read_when_first_looked_at_then_kept()
    {
        string dir = Path.Combine(_base, "web");
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
        FileStatus.TryStat(Path.Combine(_base, name), out var stat);
        return ServiceReader.FromDisk(_base, name, stat);
    }

    private PerpStartupType Read(string name) => FromDisk(name).StartupType;
}
