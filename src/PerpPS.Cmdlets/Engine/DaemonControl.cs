using System.Runtime.InteropServices;
using PerpPS.Core.Client;
using PerpPS.Core.Interop;
using PerpPS.Core.Posix;

namespace PerpPS.Cmdlets.Engine;

/// <summary>perpd as a process: found through its lock (never the pid file's text), signalled by pid.</summary>
internal static class DaemonControl
{
    /// <summary>perpd's pid on a base, 0 when no perpd holds the lock (or there is no pid file).</summary>
    public static int Pid(string baseDirectory)
    {
        try
        {
            return LockProbe.HolderPid(PerpPaths.PidFile(baseDirectory));
        }
        catch (PosixException e) when (e.Errno is Errno.ENOENT or Errno.ENOTDIR)
        {
            return 0;
        }
    }

    /// <summary>kill(pid, signal); throws <see cref="PosixException"/> on failure.</summary>
    public static void Signal(int pid, int signal)
    {
        if (Libc.Kill(pid, signal) != 0)
            throw new PosixException(Marshal.GetLastPInvokeError(), $"failure kill() on pid {pid}");
    }
}
