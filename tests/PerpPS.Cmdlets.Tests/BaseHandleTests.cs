using PerpPS.Cmdlets.Engine;
using PerpPS.Core.Posix;

namespace PerpPS.Cmdlets.Tests;

/// <summary>Engine/BaseHandle: stats relative to an open base answer as stat() of the absolute path does.</summary>
public sealed class BaseHandleTests : IDisposable
{
    private readonly string _base = Directory.CreateTempSubdirectory("perpps-basehandle-").FullName;

    public void Dispose() => Directory.Delete(_base, recursive: true);

    [Fact]
    public void Relative_stats_match_the_absolute_paths()
    {
        Directory.CreateDirectory(Path.Combine(_base, "down"));
        File.WriteAllText(Path.Combine(_base, "down", "flag.down"), "");
        Directory.CreateDirectory(Path.Combine(_base, "dangling"));
        File.CreateSymbolicLink(Path.Combine(_base, "dangling", "flag.down"), Path.Combine(_base, "nowhere"));
        Directory.CreateSymbolicLink(Path.Combine(_base, "alias"), Path.Combine(_base, "down"));
        File.WriteAllText(Path.Combine(_base, "file"), "");
        using var handle = BaseHandle.Open(_base)!;
        Assert.NotNull(handle);
        foreach (string name in new[] { "down", "alias", "file", "absent", "dangling/flag.down", "down/flag.down" })
        {
            int relative = handle.Stat(name, out var r);
            int absolute = FileStatus.TryStat(Path.Combine(_base, name), out var a);
            Assert.Equal(absolute, relative);
            Assert.Equal(a, r);
        }
        Assert.Null(BaseHandle.Open(Path.Combine(_base, "file")));
    }
}
