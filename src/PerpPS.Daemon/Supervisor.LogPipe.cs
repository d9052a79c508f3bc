using PerpPS.Core.Interop;
using PerpPS.Core.Posix;
using PerpPS.Core.Protocol;
using PerpPS.Daemon.Interop;

namespace PerpPS.Daemon;

/// <summary>The log pipe perpd holds between main and log (spec §3.2): made at activation or after a D, closed when the logger must see EOF.</summary>
internal sealed partial class Supervisor
{
    /// <summary>Makes the service's log pipe (both ends close-on-exec in perpd).</summary>
    public unsafe bool OpenLogPipe(Service svc)
    {
        ClosePipe(svc);
        int* fds = stackalloc int[2];
        if (Libc.Pipe2(fds, Libc.O_CLOEXEC) != 0)
        {
            _log.Warning().Add("failure pipe() for logging service ").Add(svc.Name).Add(": ").Errno(Native.Errno).Line();
            return false;
        }
        svc.LogPipeRead = fds[0];
        svc.LogPipeWrite = fds[1];
        return true;
    }

    private static void ClosePipe(Service svc)
    {
        if (svc.LogPipeRead >= 0) Libc.Close(svc.LogPipeRead);
        if (svc.LogPipeWrite >= 0) Libc.Close(svc.LogPipeWrite);
        svc.LogPipeRead = svc.LogPipeWrite = -1;
    }
}
