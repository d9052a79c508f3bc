using System.Text;
using PerpPS.Core.Interop;
using PerpPS.Core.Posix;

namespace PerpPS.Cmdlets.Engine;

/// <summary>
/// An open descriptor of a base for one bulk read (the catalog, Get-PerpService's objects):
/// the stats of its service directories taken relative to it, as perp's
/// own tools do from inside the base. The kernel then walks one or two path components instead
/// of the whole absolute path, and no path string or byte array is made per call; the answers
/// are the same stat() of the same names (symlinks followed). A name that cannot be put on the
/// stack (a NUL, or too long) is stat()ed by its absolute path as before.
/// </summary>
internal sealed class BaseHandle : IDisposable
{
    private const int MaxStackBytes = 1024;
    private int _fd;

    private BaseHandle(string path, int fd)
    {
        Path = path;
        _fd = fd;
    }

    /// <summary>The base's absolute path.</summary>
    public string Path { get; }

    /// <summary>The base opened (O_DIRECTORY), or null when it cannot be (the caller stats by path).</summary>
    public static unsafe BaseHandle? Open(string path)
    {
        if (path.Contains('\0')) return null;
        byte[] z = NativePath.ToBytes(path);
        int fd;
        fixed (byte* p = z) fd = Libc.Open(p, Libc.O_RDONLY | Libc.O_DIRECTORY | Libc.O_CLOEXEC, 0);
        return fd < 0 ? null : new BaseHandle(path, fd);
    }

    /// <summary>The open descriptor (O_DIRECTORY), for reading the base's entries.</summary>
    public int Descriptor => _fd;

    /// <summary>The base's st_dev: the device of every directory in it but a mount point.</summary>
    public bool TryDevice(out ulong device)
    {
        device = 0;
        if (_fd < 0 || FileStatus.TryStat(_fd, out var stat) != 0) return false;
        device = stat.Id.Device;
        return true;
    }

    /// <summary>stat() of <c>BASE/name</c>, or of <c>BASE/name/leaf</c>: 0 or the errno.</summary>
    public int Stat(string name, out FileStatus status, string? leaf = null)
    {
        int length = Encoding.UTF8.GetMaxByteCount(name.Length + (leaf?.Length ?? 0) + 1) + 1;
        if (_fd < 0 || length > MaxStackBytes || name.Contains('\0') || (leaf != null && leaf.Contains('\0')))
            return FileStatus.TryStat(leaf == null ? System.IO.Path.Combine(Path, name) : System.IO.Path.Combine(Path, name, leaf), out status);
        Span<byte> z = stackalloc byte[length];
        int n = Encoding.UTF8.GetBytes(name, z);
        if (leaf != null)
        {
            z[n++] = (byte)'/';
            n += Encoding.UTF8.GetBytes(leaf, z[n..]);
        }
        z[n] = 0;
        return FileStatus.TryStat(_fd, z[..(n + 1)], followLinks: true, out status);
    }

    public void Dispose()
    {
        if (_fd >= 0) Libc.Close(_fd);
        _fd = -1;
    }
}
