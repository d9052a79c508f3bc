using System.Text;
using PerpPS.Core.Interop;
using PerpPS.Core.Posix;

namespace PerpPS.Core.Tests;

/// <summary>Posix/DirectoryEntries: getdents64's entries, checked against stat() of each name.</summary>
public sealed unsafe class DirectoryEntriesTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("perpps-dirents-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static int OpenDir(string path)
    {
        byte[] z = NativePath.ToBytes(path);
        fixed (byte* p = z) return Libc.Open(p, Libc.O_RDONLY | Libc.O_DIRECTORY | Libc.O_CLOEXEC, 0);
    }

    private static Dictionary<string, (ulong Inode, byte Type)> ReadAll(int fd, int bufferSize)
    {
        var seen = new Dictionary<string, (ulong, byte)>(StringComparer.Ordinal);
        var entries = new DirectoryEntries(fd, new byte[bufferSize]);
        while (entries.MoveNext()) seen.Add(Encoding.UTF8.GetString(entries.Name), (entries.Inode, entries.Type));
        Assert.Equal(0, entries.Errno);
        return seen;
    }

    [Theory]
    [InlineData(64 * 1024)]
    [InlineData(300)] // a buffer that holds about one entry: many getdents64 calls, none lost
    public void Every_entry_with_its_inode_and_type(int bufferSize)
    {
        for (int i = 0; i < 40; i++) Directory.CreateDirectory(Path.Combine(_dir, $"svc{i:D2}"));
        File.WriteAllText(Path.Combine(_dir, "afile"), "");
        Directory.CreateSymbolicLink(Path.Combine(_dir, "alias"), Path.Combine(_dir, "svc00"));
        string longName = new('x', 255);
        Directory.CreateDirectory(Path.Combine(_dir, longName));
        int fd = OpenDir(_dir);
        Assert.True(fd >= 0);
        try
        {
            var seen = ReadAll(fd, bufferSize);
            Assert.Equal(40 + 3 + 2, seen.Count); // and "." and ".."
            Assert.Contains(".", seen.Keys);
            Assert.Contains("..", seen.Keys);
            foreach (var (name, (inode, type)) in seen)
            {
                if (name is "." or "..") continue;
                Assert.Equal(0, FileStatus.TryStat(Libc.AT_FDCWD, NativePath.ToBytes(Path.Combine(_dir, name)), followLinks: false, out var st));
                Assert.Equal(st.Id.Inode, inode);
                byte expected = name == "alias" ? DirectoryEntries.TypeSymlink : name == "afile" ? (byte)8 : DirectoryEntries.TypeDirectory;
                Assert.Equal(expected, type);
            }
            // Read to its end, the descriptor gives nothing more until it is rewound.
            Assert.Empty(ReadAll(fd, bufferSize));
            Libc.Lseek(fd, 0, 0);
            Assert.Equal(seen.Count, ReadAll(fd, bufferSize).Count);
        }
        finally
        {
            Libc.Close(fd);
        }
    }

    [Fact]
    public void A_descriptor_that_is_not_a_directory_ends_with_its_errno()
    {
        string file = Path.Combine(_dir, "afile");
        File.WriteAllText(file, "");
        byte[] z = NativePath.ToBytes(file);
        int fd;
        fixed (byte* p = z) fd = Libc.Open(p, Libc.O_RDONLY | Libc.O_CLOEXEC, 0);
        try
        {
            var entries = new DirectoryEntries(fd, new byte[4096]);
            Assert.False(entries.MoveNext());
            Assert.Equal(Errno.ENOTDIR, entries.Errno);
        }
        finally
        {
            Libc.Close(fd);
        }
    }

    [Fact]
    public void Descriptor_stat_is_the_stat_of_its_path()
    {
        int fd = OpenDir(_dir);
        try
        {
            Assert.Equal(0, FileStatus.TryStat(fd, out var byFd));
            Assert.Equal(0, FileStatus.TryStat(_dir, out var byPath));
            Assert.Equal(byPath, byFd);
        }
        finally
        {
            Libc.Close(fd);
        }
    }
}
