using System.Text;

namespace PerpPS.Core.Posix;

/// <summary>
/// NUL-terminated byte paths for system calls. Names on Linux are bytes, not text, so the
/// byte form is the truth; strings are encoded as UTF-8, and a string that holds U+FFFD
/// (what .NET makes of bytes that are not UTF-8) is refused rather than silently turned
/// into some other name.
/// </summary>
public static class NativePath
{
    /// <summary>The UTF-8 bytes of <paramref name="path"/> followed by a NUL.</summary>
    public static byte[] ToBytes(string path)
    {
        if (path.Contains('\0')) throw new ArgumentException("a path cannot contain a NUL byte", nameof(path));
        var bytes = new byte[Encoding.UTF8.GetByteCount(path) + 1];
        Encoding.UTF8.GetBytes(path, bytes);
        return bytes;
    }

    /// <summary>A path made of raw bytes (without NUL), NUL-terminated.</summary>
    public static byte[] ToBytes(ReadOnlySpan<byte> path)
    {
        if (path.IndexOf((byte)0) >= 0) throw new ArgumentException("a path cannot contain a NUL byte", nameof(path));
        var bytes = new byte[path.Length + 1];
        path.CopyTo(bytes);
        return bytes;
    }
}
