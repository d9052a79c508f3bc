using System.Runtime.InteropServices;
using PerpPS.Core.Interop;
using PerpPS.Core.Posix;
using PerpPS.Tools.Common;

namespace PerpPS.Tools.Perpls;

/// <summary>
/// The services perpls lists when given none: every entry of the base (the current
/// directory) whose name does not start with '.' and that stat()s as a directory, sticky
/// or not, symlinks followed — names as raw bytes. Each name's stat is kept beside it, so
/// the listing's rows reuse it instead of stat()ing every service a second time.
/// </summary>
internal static class BaseListing
{
    /// <summary>The candidate names, unsorted, and the stat of each; the errno of opening or reading the directory on failure.</summary>
    public static unsafe int Read(out List<byte[]> names, out List<FileStatus> statuses)
    {
        names = [];
        statuses = [];
        int dir;
        fixed (byte* dot = ".\0"u8) dir = Libc.Open(dot, Libc.O_RDONLY | Libc.O_DIRECTORY | Libc.O_CLOEXEC, 0);
        if (dir < 0) return Marshal.GetLastPInvokeError();
        try
        {
            var entries = new DirectoryEntries(dir, stackalloc byte[16 * 1024]);
            while (entries.MoveNext())
            {
                var name = entries.Name;
                if (name.IsEmpty || name[0] == (byte)'.') continue;
                byte[] bytes = name.ToArray();
                if (ServiceDirectory.Stat(bytes, out var st) != 0 || !st.IsDirectory) continue;
                names.Add(bytes);
                statuses.Add(st);
            }
            return entries.Errno;
        }
        finally
        {
            Libc.Close(dir);
        }
    }
}
