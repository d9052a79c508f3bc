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
    private SpawnResult SpawnContained(Subservice sub, Termination? ended, long svSeconds, out int errno)
    {
        int cg = _containment.OpenLeaf(sub, out int cgErrno);
        if (cg < 0 && cgErrno != 0) WarnCgroup(sub, cgErrno);
        var result = _spawner.Spawn(sub, ended, svSeconds, out errno, cg);
        if (cg >= 0 && result == SpawnResult.ForkFailed && errno is not (Errno.EAGAIN or 12))
        {
            // clone3 refused the cgroup itself (e.g. a domain-invalid or threaded cgroup).
            WarnCgroup(sub, errno);
            result = _spawner.Spawn(sub, ended, svSeconds, out errno);
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
            int sid = SessionOf(pid);
            if (sid > 0 && (sid == a || sid == b)) Libc.Kill(pid, SignalNames.SIGKILL);
        }
    }

    private static int SessionOf(int pid)
    {
        try
        {
            string stat = File.ReadAllText("/proc/" + pid + "/stat");
            var f = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return f.Length > 3 && int.TryParse(f[3], out int sid) ? sid : 0;
        }
        catch (IOException) { return 0; }
    }

    /// <summary>
    /// Fallback mode, on SIGCHLD: reap the orphans that came back to perpd as subreaper.
    /// Only children that are not supervised are waited for (by pid, from
    /// /proc/self/task/*/children): a supervised child's exit stays for its pidfd.
    /// </summary>
    public void ReapOrphans()
    {
        if (_containment.UsesCgroups) return;
        _supervisedScratch.Clear();
        foreach (var svc in _table.All)
        {
            if (svc.Main.Pid > 0) _supervisedScratch.Add(svc.Main.Pid);
            if (svc.Log.Pid > 0) _supervisedScratch.Add(svc.Log.Pid);
        }
        try
        {
            foreach (string task in Directory.EnumerateDirectories("/proc/self/task"))
                foreach (string p in File.ReadAllText(Path.Combine(task, "children")).Split(' ', StringSplitOptions.RemoveEmptyEntries))
                    if (int.TryParse(p, out int pid) && !_supervisedScratch.Contains(pid)) TryReap(Libc.P_PID, pid, out _);
        }
        catch (IOException) { }
    }

    private readonly HashSet<int> _supervisedScratch = new();
}
