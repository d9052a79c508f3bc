using PerpPS.Core.Interop;
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
        uint saved = Libc.Umask(0);
        try
        {
            if (MakeDirectory() && socketGroup is { } gid) OpenToGroup(gid);
            fixed (byte* d = DirName)
                if (Libc.Chdir(d) != 0)
                    throw new FatalException("failure chdir() to control directory .control: " + Errno.Describe(Native.Errno));
            int lockFd = TakeLock();
            int listenFd = Listen(socketGroup, backlog);
            return (lockFd, listenFd);
        }
        finally
        {
            Native.Fchdir(baseFd);
            _ = Libc.Umask(saved); // the result is the 0 set above
        }
    }

    /// <summary>Makes .control (0700); true when this perpd created it just now.</summary>
    private static bool MakeDirectory()
    {
        fixed (byte* d = DirName)
        {
            if (Libc.Mkdir(d, FileModes.Mode0700) == 0) return true;
            if (Native.Errno == Errno.EEXIST && IsDirectory()) return false;
            // A (dangling) symlink into /var/run: make its target, one level only.
            byte* target = stackalloc byte[257];
            nint n = Native.Readlink(d, target, 257);
            if (n < 0) return false;
            if (n > 255) throw new FatalException("symlink target too long for control directory .control");
            target[n] = 0;
            Libc.Mkdir(target, FileModes.Mode0700);
        }
        return false;
    }

    /// <summary>
    /// With -g, a .control this perpd created gets the socket's group and mode 0750:
    /// perp leaves it 0700, so the 0770 socket inside stays out of the group's reach unless an
    /// administrator opens the directory by hand (a deliberate improvement). A .control that
    /// already existed (often a symlink into /run) is the administrator's and is left alone.
    /// </summary>
    private static void OpenToGroup(uint gid)
    {
        fixed (byte* d = DirName)
        {
            Native.Chown(d, uint.MaxValue, gid);
            Libc.Chmod(d, FileModes.Mode0750);
        }
    }

    private static bool IsDirectory() =>
        FileStatus.TryStat(Libc.AT_FDCWD, DirName, followLinks: true, out var st) == 0 && st.IsDirectory;

    private static int TakeLock()
    {
        int fd;
        fixed (byte* p = PidName)
            fd = Libc.Open(p, Libc.O_WRONLY | Libc.O_CREAT | Libc.O_APPEND | Libc.O_NONBLOCK | Libc.O_CLOEXEC, (int)FileModes.Mode0600);
        if (fd < 0) throw new FatalException("failure open() on lock file perpd.pid: " + Errno.Describe(Native.Errno));
        var lk = new Libc.Flock { Type = Libc.F_WRLCK, Whence = 0, Start = 0, Length = 0 };
        if (Libc.FcntlLock(fd, Libc.F_SETLK, &lk) != 0)
        {
            int errno = Native.Errno;
            Libc.Close(fd);
            // perp reports a held lock as EAGAIN whichever of EAGAIN/EACCES the kernel chose.
            if (errno == Errno.EACCES) errno = Errno.EAGAIN;
            throw new FatalException("failure on lock file perpd.pid: " + Errno.Describe(errno));
        }
        Libc.Ftruncate(fd, 0);
        byte[] text = Encoding.ASCII.GetBytes(Libc.GetPid() + "\n");
        fixed (byte* t = text) Libc.Write(fd, t, text.Length);
        Libc.Fchmod(fd, FileModes.Mode0644);
        return fd;
    }

    private static int Listen(uint? socketGroup, int backlog)
    {
        int fd = Libc.Socket(Libc.AF_UNIX, Libc.SOCK_STREAM | Libc.SOCK_NONBLOCK | Libc.SOCK_CLOEXEC, 0);
        if (fd < 0) throw new FatalException("failure socket() for control socket: " + Errno.Describe(Native.Errno));
        fixed (byte* s = SockName)
        {
            Libc.Unlink(s);
            byte* address = stackalloc byte[110];
            new Span<byte>(address, 110).Clear();
            address[0] = Libc.AF_UNIX;
            new ReadOnlySpan<byte>(s, SockName.Length).CopyTo(new Span<byte>(address + 2, 108));
            if (Native.Bind(fd, address, 2 + SockName.Length) != 0)
                throw new FatalException("failure bind() on control socket perpd.sock: " + Errno.Describe(Native.Errno));
            if (socketGroup is { } gid)
            {
                Native.Chown(s, uint.MaxValue, gid);
                Libc.Chmod(s, FileModes.Mode0770);
            }
            else
            {
                Libc.Chmod(s, FileModes.Mode0700);
            }
        }
        if (Native.Listen(fd, backlog) != 0)
            throw new FatalException("failure listen() on control socket perpd.sock: " + Errno.Describe(Native.Errno));
        return fd;
    }
}
