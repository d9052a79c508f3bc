using PerpPS.Core.Posix;

namespace PerpPS.Daemon;

/// <summary>
/// Opt-in restart on a changed definition (proclaunch's rule): a service whose directory
/// holds the file <c>restart-on-change</c> is restarted at a rescan when rc.main or a policy
/// file (main) or rc.log (the logger) changed inode, size or mtime since the previous scan.
/// Restart means perpctl t: SIGTERM and SIGCONT to a running start, then the usual reset and
/// start; a service that is down, resetting or paused waiting is left alone (its next start
/// reads the new definition anyway).
/// </summary>
internal sealed partial class Supervisor
{
    /// <summary>At each scan, for an already active service.</summary>
    public void CheckDefinition(Service svc)
    {
        if (svc.IsCulling) return;
        using var directory = OpenDirectory(svc);
        if (svc.DirectoryFd < 0) return;
        if (!DefinitionStamp.Enabled(svc.DirectoryFd))
        {
            svc.MainStamp = svc.LogStamp = 0;
            return;
        }
        ulong main = DefinitionStamp.OfMain(svc.DirectoryFd);
        ulong log = DefinitionStamp.OfLog(svc.DirectoryFd);
        ulong oldMain = svc.MainStamp, oldLog = svc.LogStamp;
        svc.MainStamp = main;
        svc.LogStamp = log;
        if (oldMain != 0 && oldMain != main) RestartChanged(svc.Main);
        if (oldLog != 0 && oldLog != log && svc.HasLog) RestartChanged(svc.Log);
    }

    private void RestartChanged(Subservice sub)
    {
        if (!sub.IsRunning || sub.IsResetting || sub.Has(Core.Protocol.SubserviceFlags.WantDown)) return;
        _log.Info().Add("definition of service ").Add(sub.Owner.Name).Add(" changed: restarting ").Add(sub.Label).Line();
        Send(sub, SignalNames.SIGTERM, false);
        Send(sub, SignalNames.SIGCONT, false);
    }
}
