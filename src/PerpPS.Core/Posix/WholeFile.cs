using System.Runtime.InteropServices;
using PerpPS.Core.Interop;

namespace PerpPS.Core.Posix;

/// <summary>
/// A small file read whole with open/read/close and nothing else: for the few files a
/// short-lived program reads before it does its work (/proc/self/cmdline in the tools'
/// and runtools' argv). File.ReadAllBytes goes through FileStream and SafeFileHandle: two
/// fstat, a flock pair and pread at offsets, plus that code paged into every start.
/// </summary>
public static unsafe class WholeFile
{
    /// <summary>The file's bytes; null with <paramref name="errno"/> set when it cannot be opened or read.</summary>
    public static byte[]? TryRead(string path, out int errno)
    {
        byte[] z = NativePath.ToBytes(path);
        int fd;
        fixed (byte* p = z) fd = Libc.Open(p, Libc.O_RDONLY | Libc.O_CLOEXEC, 0);
        if (fd < 0)
        {
            errno = Marshal.GetLastPInvokeError();
            return null;
        }
        try
        {
            var buffer = new byte[4096];
            int used = 0;
            while (true)
            {
                if (used == buffer.Length) Array.Resize(ref buffer, buffer.Length * 2);
                nint n;
                fixed (byte* b = buffer) n = Libc.Read(fd, b + used, buffer.Length - used);
                if (n < 0)
                {
                    errno = Marshal.GetLastPInvokeError();
                    if (errno == Errno.EINTR) continue;
                    return null;
                }
                if (n == 0) break;
                used += (int)n;
            }
            errno = 0;
            return buffer.AsSpan(0, used).ToArray();
        }
        finally
        {
            Libc.Close(fd);
        }
    }
}
