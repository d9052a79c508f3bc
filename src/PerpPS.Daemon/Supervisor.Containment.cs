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
        ReadOnlySpan<FdAssignment> extraFds = default, long holdUntil = 0)
    {
        using var directory = OpenDirectory(sub.Owner);
        using var pipeEnd = SpawnEnd(sub);
        int cg = _containment.OpenLeaf(sub, out int cgErrno);
        if (cg < 0 && cgErrno != 0) WarnCgroup(sub, cgErrno);
        var result = _spawner.Spawn(sub, ended, svSeconds, out errno, cg, extraFds, holdUntil);
        if (cg >= 0 && result == SpawnResult.ForkFailed && errno is not (Errno.EAGAIN or 12))
        {
            // clone3 refused the cgroup itself (e.g. a domain-invalid or threaded cgroup).
            WarnCgroup(sub, errno);
            result = _spawner.Spawn(sub, ended, svSeconds, out errno, -1, extraFds, holdUntil);
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

    /// <summary>How long a removal waits for cgroup.events to read populated 0 (with inotify), or between looks (without).</summary>
    private const long DrainTimeout = 5_000_000_000L, DrainLook = 100_000_000L;

    private int _inotify = -1;
    private readonly Dictionary<int, Service> _drainWatches = new();

    /// <summary>
    /// The stop of a contained service ends when its cgroups are empty: SIGKILL to all in both,
    /// and if something is still in them, an inotify watch on the service's cgroup.events (a
    /// change of <c>populated</c> is a modify event) and a deadline. False when there is
    /// nothing to wait for (fallback mode, or already empty): remove at once.
    /// </summary>
    private bool BeginDrain(Service svc)
    {
        if (!_containment.UsesCgroups) return false;
        _containment.Kill(svc.Main);
        _containment.Kill(svc.Log);
        if (!_containment.Populated(svc)) return false;
        int wd = WatchEvents(svc);
        if (wd >= 0 && !_containment.Populated(svc))
        {
            // Emptied between the look and the watch: no event will come.
            Native.InotifyRmWatch(_inotify, wd);
            return false;
        }
        if (wd >= 0) _drainWatches[wd] = svc;
        svc.Draining = true;
        svc.DrainWatch = wd;
        _deadlines.Schedule(svc.Main, DeadlineKind.CgroupDrain, Native.MonotonicNanoseconds() + (wd >= 0 ? DrainTimeout : DrainLook));
        return true;
    }

    /// <summary>An inotify watch on the service's cgroup.events; -1 when inotify is not to be had (then the deadline looks again).</summary>
    private unsafe int WatchEvents(Service svc)
    {
        if (_inotify < 0)
        {
            int fd = Native.InotifyInit1(Native.IN_NONBLOCK | Native.IN_CLOEXEC);
            if (fd < 0) return -1;
            if (_loop.TryAdd(fd, EventSource.Cgroup, Native.EPOLLIN) != 0)
            {
                Libc.Close(fd);
                return -1;
            }
            _inotify = fd;
        }
        byte[] path = System.Text.Encoding.UTF8.GetBytes(_containment.EventsPath(svc) + "\0");
        fixed (byte* p = path) return Native.InotifyAddWatch(_inotify, p, Native.IN_MODIFY);
    }

    /// <summary>cgroup.events changed: every draining service whose cgroups are now empty is removed.</summary>
    public unsafe void OnCgroupEvents()
    {
        byte* buffer = stackalloc byte[4096];
        bool any = false;
        while (Libc.Read(_inotify, buffer, 4096) > 0) any = true; // the events only say "look again"
        if (!any) return;
        foreach (var svc in _drainWatches.Values.ToArray())
            if (!_containment.Populated(svc)) EndDrain(svc);
    }

    /// <summary>The drain deadline: without inotify, look again (up to the same 5 s); else stop waiting.</summary>
    private void OnDrainDeadline(Service svc)
    {
        if (!svc.Draining) return;
        if (svc.DrainWatch < 0 && _containment.Populated(svc) && ++svc.DrainLooks < DrainTimeout / DrainLook)
        {
            _deadlines.Schedule(svc.Main, DeadlineKind.CgroupDrain, Native.MonotonicNanoseconds() + DrainLook);
            return;
        }
        EndDrain(svc);
    }

    private void EndDrain(Service svc)
    {
        if (svc.DrainWatch >= 0)
        {
            _drainWatches.Remove(svc.DrainWatch);
            Native.InotifyRmWatch(_inotify, svc.DrainWatch);
        }
        svc.DrainWatch = -1;
        svc.Draining = false;
        FinishRemove(svc); // still populated (timed out): its release warns and leaves the cgroups in place

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
