using PerpPS.Core.Interop;
using PerpPS.Core.Posix;
using PerpPS.Core.Protocol;
using PerpPS.Daemon.Interop;

namespace PerpPS.Daemon;

/// <summary>The log pipe perpd holds between main and log (spec §3.2): made at activation or after a D, closed when the logger must see EOF.</summary>
internal sealed partial class Supervisor
{
    /// <summary>
    /// Makes the service's log pipe (both ends close-on-exec in perpd). Out of descriptors
    /// (EMFILE, ENFILE, or the client reserve of <see cref="Budget"/> reached) it returns
    /// false quietly when <paramref name="quietOnShortage"/> (the scanner reports shortages as
    /// one line), else with one warning per shortage, not one per retry.
    /// </summary>
    public unsafe bool OpenLogPipe(Service svc, bool quietOnShortage = false)
    {
        ClosePipe(svc);
        int* fds = stackalloc int[2];
        int errno = 0;
        if (Libc.Pipe2(fds, Libc.O_CLOEXEC) != 0) errno = Native.Errno;
        else
        {
            svc.LogPipeRead = fds[0];
            svc.LogPipeWrite = fds[1];
            CompactPipe(svc);
            if (Budget is { } b && (b.TooHighForService(svc.LogPipeRead) || b.TooHighForService(svc.LogPipeWrite)))
            {
                ClosePipe(svc);
                errno = EMFILE;
            }
        }
        LastPipeShortage = errno is EMFILE or ENFILE;
        if (errno == 0)
        {
            _pipeShortageWarned = false;
            return true;
        }
        bool shortage = LastPipeShortage;
        if (shortage && (quietOnShortage || _pipeShortageWarned)) return false;
        if (shortage) _pipeShortageWarned = true;
        _log.Warning().Add("failure pipe() for logging service ").Add(svc.Name).Add(": ").Errno(errno).Line();
        return false;
    }

    private const int EMFILE = 24, ENFILE = 23;
    /// <summary>The last <see cref="OpenLogPipe"/> failed for want of descriptors.</summary>
    public bool LastPipeShortage { get; private set; }
    private bool _pipeShortageWarned;

    /// <summary>Where service descriptors must stop (null: no limit known).</summary>
    public DescriptorBudget? Budget { get; set; }

    private static void ClosePipe(Service svc)
    {
        if (svc.LogPipeRead >= 0) Libc.Close(svc.LogPipeRead);
        if (svc.LogPipeWrite >= 0 && svc.LogPipeWrite != svc.LogPipeRead) Libc.Close(svc.LogPipeWrite);
        svc.LogPipeRead = svc.LogPipeWrite = -1;
    }
}
