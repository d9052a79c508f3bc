using System.Runtime.InteropServices;
using System.Text;
using PerpPS.Core.Interop;
using PerpPS.Core.Posix;
using PerpPS.Runtools.Interop;

namespace PerpPS.Runtools.Common;

/// <summary>
/// perp's lock files (perpd.pid, tinylog.pid, runlock): a POSIX fcntl write lock on the
/// whole file, which perp's own tools and PerpPS's probe interchangeably.
/// </summary>
internal static unsafe class LockFile
{
    /// <summary>Opens (creating, 0644) <paramref name="path"/>; the fd or -errno.</summary>
    public static int Open(string path, bool closeOnExec)
    {
        byte* p = NativeStrings.One(path);
        int flags = Libc.O_RDWR | Libc.O_CREAT | Libc.O_NONBLOCK | (closeOnExec ? Libc.O_CLOEXEC : 0);
        int fd = Libc.Open(p, flags, (int)FileModes.Mode0644);
        return fd >= 0 ? fd : -Marshal.GetLastPInvokeError();
    }

    /// <summary>Takes the write lock (waiting for it when <paramref name="block"/>); 0 or the errno.</summary>
    public static int Acquire(int fd, bool block)
    {
        var l = new Libc.Flock { Type = Libc.F_WRLCK, Whence = 0, Start = 0, Length = 0 };
        while (Libc.FcntlLock(fd, block ? Libc.F_SETLKW : Libc.F_SETLK, &l) != 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            if (errno == PerpPS.Core.Posix.Errno.EINTR) continue;
            // Linux says EAGAIN or EACCES for a busy lock; perp reports EAGAIN.
            return errno == PerpPS.Core.Posix.Errno.EACCES ? PerpPS.Core.Posix.Errno.EAGAIN : errno;
        }
        return 0;
    }

    /// <summary>Replaces the file's contents with "PID\n"; 0 or the errno.</summary>
    public static int WritePid(int fd, int pid)
    {
        if (Libc.Ftruncate(fd, 0) != 0) return Marshal.GetLastPInvokeError();
        byte[] text = Encoding.ASCII.GetBytes(pid + "\n");
        fixed (byte* t = text)
        {
            if (Libc.Lseek(fd, 0, 0) < 0) return Marshal.GetLastPInvokeError();
            if (Libc.Write(fd, t, text.Length) != text.Length) return Marshal.GetLastPInvokeError();
        }
        return 0;
    }
}
