using PerpPS.Core.Interop;
using PerpPS.Core.Posix;
using PerpPS.Daemon.Interop;

namespace PerpPS.Daemon;

/// <summary>
/// Containment hooks of the state machine (see <see cref="Containment"/>): which cgroup a
/// spawn goes into, what is killed when a slot is down for good, and, in the fallback
/// mode, reaping the orphans that come back to perpd as their subreaper.
/// </summary>
internal sealed partial class Supervisor
{
    private bool _warnedCgroup;

    /// <summary>The mode perpd chose (for the start-up line and status).</summary>
    public Containment Containment => _containment;

    /// <summary>Spawns with the slot's cgroup; a cgroup that cannot be had means a spawn without it (warned once).</summary>
    private SpawnResult SpawnContained(Subservice sub, Termination? ended, long svSeconds, out int errno,
        ReadOnlySpan<FdAssignment> extraFds = default)
    {
        int cg = _containment.OpenLeaf(sub, out int cgErrno);
        if (cg < 0 && cgErrno != 0) WarnCgroup(sub, cgErrno);
        var result = _spawner.Spawn(sub, ended, svSeconds, out errno, cg, extraFds);
        if (cg >= 0 && result == SpawnResult.ForkFailed && errno is not (Errno.EAGAIN or 12))
        {
            // clone3 refused the cgroup itself (e.g. a domain-invalid or threaded cgroup).
            WarnCgroup(sub, errno);
            result = _spawner.Spawn(sub, ended, svSeconds, out errno, -1, extraFds);
        }
        if (cg >= 0) Libc.Close(cg);
        if (result == SpawnResult.Started && ended is null) sub.StartPid = sub.Pid;
        return result;
    }

    private void WarnCgroup(Subservice sub, int errno)
    {
        if (_warnedCgroup) return;
        _warnedCgroup = true;
        _log.Warning().Add("failure placing service ").Add(sub.Owner.Name).Add(" in its cgroup: ").Errno(errno)
            .Add("; starting it without (warned once)").Line();
    }

    /// <summary>
    /// A slot is down for good (its reset finished and it is wanted down): what its runscripts
    /// left behind goes too — the slot's whole cgroup, or, in the fallback mode, the rest of
    /// the start's and the reset's sessions.
    /// </summary>
    private void KillLeftovers(Subservice sub)
    {
        if (_containment.UsesCgroups)
        {
            _containment.Kill(sub);
            return;
        }
        KillSessions(sub.StartPid, sub.PreviousPid);
        sub.StartPid = 0;
    }

    /// <summary>SIGKILL to every process whose session is one of the two (sessions of perpd's runscripts: sid = their pid).</summary>
    private static void KillSessions(int a, int b)
    {
        if (a <= 0 && b <= 0) return;
        foreach (string dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir.AsSpan()), out int pid)) continue;
            int sid = ProcStat.TryRead(pid, out var st) ? st.Session : 0;
            if (sid > 0 && (sid == a || sid == b)) Libc.Kill(pid, SignalNames.SIGKILL);
        }
    }
}
