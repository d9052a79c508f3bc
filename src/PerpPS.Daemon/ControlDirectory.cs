using System.Text;
using PerpPS.Core.Posix;
using PerpPS.Daemon.Interop;

namespace PerpPS.Daemon;

/// <summary>
/// BASE/.control (spec §1.4): the directory (mode 0700, following a dangling symlink one
/// level as perp does), the pid file holding a POSIX write lock for perpd's whole life (so
/// perp's and PerpPS's clients find the pid with F_GETLK), and the listening socket
/// perpd.sock, bound by its relative name so any base length works. Nothing is removed
/// at exit, like perp.
/// </summary>
internal static unsafe class ControlDirectory
{
    private static readonly byte[] DirName = "./.control\0"u8.ToArray();
    private static readonly byte[] PidName = "perpd.pid\0"u8.ToArray();
    private static readonly byte[] SockName = "perpd.sock\0"u8.ToArray();

    /// <summary>A fatal failure of control initialisation, with perp's wording.</summary>
    public sealed class FatalException(string message) : Exception(message);

    /// <summary>
    /// Creates the directory, takes the lock and binds the socket; returns the lock fd and the
    /// listening fd. Runs with umask 0 and restores the caller's umask afterwards (decision
    /// for spec §2.2 step 6: services inherit the umask perpd was started with).
    /// </summary>
    public static (int LockFd, int ListenFd) Initialise(int baseFd, uint? socketGroup, int backlog)
    {
        uint saved = Native.Umask(0);
        try
        {
            MakeDirectory();
            fixed (byte* d = DirName)
                if (Native.Chdir(d) != 0)
                    throw new FatalException("failure chdir() to control directory .control: " + Errno.Describe(Native.Errno));
            int lockFd = TakeLock();
            int listenFd = Listen(socketGroup, backlog);
            return (lockFd, listenFd);
        }
        finally
        {
            Native.Fchdir(baseFd);
            Native.Umask(saved);
        }
    }

    private static void MakeDirectory()
    {
        fixed (byte* d = DirName)
        {
            if (Native.Mkdir(d, 0x1C0) == 0 || Native.Errno == Native.EEXIST && IsDirectory()) return;
            // A (dangling) symlink into /var/run: make its target, one level only.
            byte* target = stackalloc byte[257];
            nint n = Native.Readlink(d, target, 257);
            if (n < 0) return;
            if (n > 255) throw new FatalException("symlink target too long for control directory .control");
            target[n] = 0;
            Native.Mkdir(target, 0x1C0);
        }
    }

    private static bool IsDirectory() =>
        FileStatus.TryStat(Native.AT_FDCWD, DirName, followLinks: true, out var st) == 0 && st.IsDirectory;

    private static int TakeLock()
    {
        int fd;
        fixed (byte* p = PidName)
            fd = Native.Open(p, Native.O_WRONLY | Native.O_CREAT | Native.O_APPEND | Native.O_NONBLOCK | Native.O_CLOEXEC, 0x180);
        if (fd < 0) throw new FatalException("failure open() on lock file perpd.pid: " + Errno.Describe(Native.Errno));
        var lk = new Native.Flock { Type = Native.F_WRLCK, Whence = 0, Start = 0, Length = 0 };
        if (Native.FcntlLock(fd, Native.F_SETLK, &lk) != 0)
        {
            int errno = Native.Errno;
            Native.Close(fd);
            // perp reports a held lock as EAGAIN whichever of EAGAIN/EACCES the kernel chose.
            if (errno == 13) errno = Native.EAGAIN;
            throw new FatalException("failure on lock file perpd.pid: " + Errno.Describe(errno));
        }
        Native.Ftruncate(fd, 0);
        byte[] text = Encoding.ASCII.GetBytes(Native.GetPid() + "\n");
        fixed (byte* t = text) Native.Write(fd, t, text.Length);
        Native.Fchmod(fd, 0x1A4);
        return fd;
    }

    private static int Listen(uint? socketGroup, int backlog)
    {
        int fd = Native.Socket(Native.AF_UNIX, Native.SOCK_STREAM | Native.SOCK_NONBLOCK | Native.SOCK_CLOEXEC, 0);
        if (fd < 0) throw new FatalException("failure socket() for control socket: " + Errno.Describe(Native.Errno));
        fixed (byte* s = SockName)
        {
            Native.Unlink(s);
            byte* address = stackalloc byte[110];
            new Span<byte>(address, 110).Clear();
            address[0] = Native.AF_UNIX;
            new ReadOnlySpan<byte>(s, SockName.Length).CopyTo(new Span<byte>(address + 2, 108));
            if (Native.Bind(fd, address, 2 + SockName.Length) != 0)
                throw new FatalException("failure bind() on control socket perpd.sock: " + Errno.Describe(Native.Errno));
            if (socketGroup is { } gid)
            {
                Native.Chown(s, uint.MaxValue, gid);
                Native.Chmod(s, 0x1F8);
            }
            else
            {
                Native.Chmod(s, 0x1C0);
            }
        }
        if (Native.Listen(fd, backlog) != 0)
            throw new FatalException("failure listen() on control socket perpd.sock: " + Errno.Describe(Native.Errno));
        return fd;
    }
}
