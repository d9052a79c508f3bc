using System.Runtime.InteropServices;
using PerpPS.Core.Interop;
using PerpPS.Core.Posix;

namespace PerpPS.Core.Client;

/// <summary>
/// Finds perpd's pid the way perp's tools do: by asking the kernel who holds the POSIX
/// record lock on BASE/.control/perpd.pid (F_GETLK with a read-lock probe), never by
/// trusting the file's contents (spec §1.4, edge case 2). Works against perp's perpd too.
/// </summary>
public static class LockProbe
{
    /// <summary>The pid holding a write lock on <paramref name="lockFile"/>, 0 when none.</summary>
    /// <exception cref="PosixException">The file cannot be opened or probed.</exception>
    public static unsafe int HolderPid(string lockFile)
    {
        byte[] path = NativePath.ToBytes(lockFile);
        int fd;
        fixed (byte* p = path) fd = Libc.Open(p, Libc.O_RDONLY | Libc.O_CLOEXEC | Libc.O_NONBLOCK, 0);
        if (fd < 0) throw new PosixException(Marshal.GetLastPInvokeError(), $"failure open() on {lockFile}");
        try
        {
            var probe = new Libc.Flock { Type = Libc.F_RDLCK, Whence = 0, Start = 0, Length = 0 };
            if (Libc.FcntlLock(fd, Libc.F_GETLK, &probe) != 0)
                throw new PosixException(Marshal.GetLastPInvokeError(), $"failure fcntl() on {lockFile}");
            return probe.Type == Libc.F_UNLCK ? 0 : probe.Pid;
        }
        finally
        {
            Libc.Close(fd);
        }
    }
}
