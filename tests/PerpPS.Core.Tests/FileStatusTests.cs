using System.Diagnostics;
using PerpPS.Core.Posix;

namespace PerpPS.Core.Tests;

public sealed class FileStatusTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("perpps-core-").FullName;

    [Fact]
    public void Device_and_inode_match_what_stat_1_reports()
    {
        // stat(1) prints st_dev as glibc encodes it: the number perp puts on the wire.
        var psi = new ProcessStartInfo("stat", ["-L", "-c", "%d %i", _dir]) { RedirectStandardOutput = true };
        using var p = Process.Start(psi)!;
        string[] parts = p.StandardOutput.ReadToEnd().Trim().Split(' ');
        p.WaitForExit();

        Assert.Equal(0, FileStatus.TryStat(_dir, out var status));
        Assert.Equal(ulong.Parse(parts[0]), status.Id.Device);
        Assert.Equal(ulong.Parse(parts[1]), status.Id.Inode);
        Assert.True(status.IsDirectory);
    }

    [Fact]
    public void Sticky_bit_and_owner_exec_are_read_from_the_mode()
    {
        string file = Path.Combine(_dir, "rc.main");
        File.WriteAllText(file, "");
        File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserExecute);
        File.SetUnixFileMode(_dir, File.GetUnixFileMode(_dir) | UnixFileMode.StickyBit);

        Assert.Equal(0, FileStatus.TryStat(_dir, out var dir));
        Assert.True(dir.IsSticky);
        Assert.Equal(0, FileStatus.TryStat(file, out var f));
        Assert.True(f.IsRegularFile);
        Assert.True(f.IsOwnerExecutable);
        Assert.False(f.IsSticky);
    }

    [Fact]
    public void Symlinks_are_followed_so_link_and_target_are_one_identity()
    {
        string link = Path.Combine(_dir, "alias");
        string target = Path.Combine(_dir, "real");
        Directory.CreateDirectory(target);
        File.CreateSymbolicLink(link, target);
        Assert.Equal(0, FileStatus.TryStat(link, out var a));
        Assert.Equal(0, FileStatus.TryStat(target, out var b));
        Assert.Equal(a.Id, b.Id);
    }

    [Fact]
    public void Missing_path_gives_ENOENT_and_the_throwing_form_words_it_like_perp()
    {
        string missing = Path.Combine(_dir, "nosuch");
        Assert.Equal(Errno.ENOENT, FileStatus.TryStat(missing, out _));
        var e = Assert.Throws<PosixException>(() => FileStatus.Stat(missing));
        Assert.Equal(Errno.ENOENT, e.Errno);
        Assert.EndsWith("file does not exist (ENOENT)", e.Message);
    }

    [Fact]
    public void A_path_under_a_file_gives_ENOTDIR()
    {
        string file = Path.Combine(_dir, "plain");
        File.WriteAllText(file, "x");
        Assert.Equal(Errno.ENOTDIR, FileStatus.TryStat(Path.Combine(file, "sub"), out _));
    }

    public void Dispose()
    {
        File.SetUnixFileMode(_dir, (UnixFileMode)0b111_101_101);
        Directory.Delete(_dir, recursive: true);
    }
}
