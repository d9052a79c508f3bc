using PerpPS.Core.Interop;
using PerpPS.Core.Posix;
using PerpPS.Daemon.Interop;
using PerpPS.Daemon.Policy;

namespace PerpPS.Daemon;

/// <summary>
/// Policy beyond perp, part two: readiness (notification-fd: a newline on a pipe; else the
/// first passing check; else half a second up) and the health check (<c>./check</c> every
/// check-interval seconds with a check-timeout limit; check-retries consecutive failures
/// restart the service by its stop policy).
/// </summary>
internal sealed partial class Supervisor
{
    private readonly Dictionary<int, Service> _readyFds = new();
    private readonly Dictionary<int, Service> _checkFds = new();

    /// <summary>Makes the readiness pipe for a start with notification-fd; returns its write end or -1.</summary>
    private unsafe int OpenReadinessPipe(Service svc, out int readFd)
    {
        readFd = -1;
        if (svc.Policy.Policy.NotificationFd < 0) return -1;
        int* fds = stackalloc int[2];
        if (Libc.Pipe2(fds, Libc.O_CLOEXEC | Libc.O_NONBLOCK) != 0)
        {
            _log.Warning().Add("failure pipe() for readiness of service ").Add(svc.Name).Add(": ").Errno(Native.Errno).Line();
            return -1;
        }
        readFd = fds[0];
        return fds[1];
    }

    private void WatchReadiness(Service svc, int readFd)
    {
        svc.Policy.ReadyFd = readFd;
        _readyFds[readFd] = svc;
        _loop.Add(readFd, EventSource.Readiness, Native.EPOLLIN);
    }

    private void StopReadiness(Service svc)
    {
        int fd = svc.Policy.ReadyFd;
        if (fd < 0) return;
        svc.Policy.ReadyFd = -1;
        _readyFds.Remove(fd);
        Libc.Close(fd); // also leaves the epoll set
    }

    /// <summary>The readiness pipe turned readable: a newline means ready; EOF before one means never.</summary>
    public unsafe void OnReadinessReadable(int fd)
    {
        if (!_readyFds.TryGetValue(fd, out var svc)) return;
        byte* buffer = stackalloc byte[256];
        nint n = Libc.Read(fd, buffer, 256);
        if (n < 0) return; // EAGAIN, EINTR: wait for the next event
        if (n == 0)
        {
            _log.Warning().Add("service ").Add(svc.Name).Add(" closed its notification-fd without reporting readiness").Line();
            StopReadiness(svc);
            return;
        }
        if (new ReadOnlySpan<byte>(buffer, (int)n).IndexOf((byte)'\n') < 0) return;
        StopReadiness(svc);
        BecameReady(svc, "notification-fd");
    }

    private void BecameReady(Service svc, string how)
    {
        var p = svc.Policy;
        if (p.Ready || !svc.Main.IsRunning || svc.Main.IsResetting) return;
        p.Ready = true;
        Events.Emit(Core.Protocol.EventKind.Ready, svc.Main, (uint)svc.Main.Pid);
        if (p.Policy.NotificationFd >= 0 || p.HasCheck)
            _log.Info().Add("service ").Add(svc.Name).Add(" is ready (").Add(how).Add(")").Line();
        StartWaitingDependants();
    }

    /// <param name="from">When the interval starts: now, or a held-back start's exec.</param>
    private void ScheduleCheck(Service svc, bool first, long from = 0)
    {
        var p = svc.Policy;
        // Readiness by check: try every half second until the first pass; then every interval.
        bool readinessByCheck = p.Policy.NotificationFd < 0 && !p.Ready;
        long delay = readinessByCheck ? Second / 2 : p.Policy.CheckInterval * Second;
        if (first && !readinessByCheck) delay = p.Policy.CheckInterval * Second;
        _deadlines.Schedule(svc.Main, DeadlineKind.CheckDue, Math.Max(from, Native.MonotonicNanoseconds()) + delay);
    }

    private void RunCheck(Service svc)
    {
        var p = svc.Policy;
        Subservice main = svc.Main;
        if (!main.IsRunning || main.IsResetting || svc.IsCulling || p.CheckPid != 0) return;
        if (p.Policy.NotificationFd >= 0 && !p.Ready)
        {
            ScheduleCheck(svc, first: false); // checks start once the service said it is ready
            return;
        }
        SpawnResult r;
        int pid, pidFd, errno;
        using (OpenDirectory(svc))
        using (SpawnEnd(main))
            r = _spawner.SpawnCheck(svc, main.Pid, out pid, out pidFd, out errno);
        if (r != SpawnResult.Started)
        {
            _log.Warning().Add("failure running ./check of service ").Add(svc.Name).Add(": ").Errno(errno).Line();
            CheckEnded(svc, new Termination(false, 111));
            return;
        }
        p.CheckPid = pid;
        p.CheckTimedOut = false;
        if (pidFd < 0)
        {
            // No descriptor to wait on (the reserve is reached): wait for it here, bounded by its timeout.
            WaitCheckBlocking(svc, pid);
            return;
        }
        p.CheckPidFd = pidFd;
        _checkFds[pidFd] = svc;
        _loop.Add(pidFd, EventSource.Child, Native.EPOLLIN);
        _deadlines.Schedule(main, DeadlineKind.CheckTimeout, Native.MonotonicNanoseconds() + p.Policy.CheckTimeout * Second);
    }

    private void WaitCheckBlocking(Service svc, int pid)
    {
        long limit = Native.MonotonicNanoseconds() + svc.Policy.Policy.CheckTimeout * Second;
        Termination t;
        while (!TryReap(Libc.P_PID, pid, out t))
        {
            if (Native.MonotonicNanoseconds() > limit)
            {
                Libc.Kill(-pid, SignalNames.SIGKILL);
                Libc.Kill(pid, SignalNames.SIGKILL);
                svc.Policy.CheckTimedOut = true;
                limit = long.MaxValue;
            }
            Thread.Sleep(10);
        }
        svc.Policy.CheckPid = 0;
        CheckEnded(svc, t);
    }

    /// <summary>A check's pidfd turned readable; false when the descriptor is no check's.</summary>
    private bool OnCheckReadable(int pidfd)
    {
        if (!_checkFds.TryGetValue(pidfd, out var svc)) return false;
        if (!TryReap(Libc.P_PIDFD, pidfd, out var t)) return true;
        _checkFds.Remove(pidfd);
        Libc.Close(pidfd);
        var p = svc.Policy;
        if (p.CheckPidFd == pidfd)
        {
            p.CheckPidFd = -1;
            p.CheckPid = 0;
            if (!svc.Removed) CheckEnded(svc, t);
        }
        return true;
    }

    private static void CheckTimeout(Service svc)
    {
        var p = svc.Policy;
        if (p.CheckPid == 0) return;
        p.CheckTimedOut = true;
        Libc.Kill(-p.CheckPid, SignalNames.SIGKILL);
        Libc.Kill(p.CheckPid, SignalNames.SIGKILL);
    }

    /// <summary>The running start ended or the service goes: its check is killed and forgotten.</summary>
    private static void KillCheck(Service svc)
    {
        var p = svc.Policy;
        if (p.CheckPid == 0) return;
        Libc.Kill(-p.CheckPid, SignalNames.SIGKILL);
        Libc.Kill(p.CheckPid, SignalNames.SIGKILL);
        // The pidfd stays watched: the killed check is reaped when it turns readable.
        p.CheckPid = 0;
        p.CheckPidFd = -1;
    }

    private void CheckEnded(Service svc, Termination t)
    {
        var p = svc.Policy;
        Subservice main = svc.Main;
        if (!main.IsRunning || main.IsResetting) return;
        bool passed = !p.CheckTimedOut && !t.Signaled && t.Value == 0;
        if (passed)
        {
            p.CheckFailures = 0;
            if (p.Health != Health.Healthy) Events.Emit(Core.Protocol.EventKind.Healthy, main, (uint)main.Pid);
            p.Health = Health.Healthy;
            BecameReady(svc, "check");
            ScheduleCheck(svc, first: false);
            return;
        }
        if (!p.Ready)
        {
            ScheduleCheck(svc, first: false); // not ready yet: a failing check only delays readiness
            return;
        }
        p.Health = Health.Unhealthy;
        p.CheckFailures++;
        Events.Emit(Core.Protocol.EventKind.Unhealthy, main, (uint)main.Pid,
            p.CheckTimedOut ? Core.Protocol.ExitKind.Killed : !t.Signaled ? Core.Protocol.ExitKind.Exited : Core.Protocol.ExitKind.Killed,
            (byte)(p.CheckTimedOut ? 9 : t.Value), (uint)p.CheckFailures);
        if (p.CheckFailures < p.Policy.CheckRetries)
        {
            ScheduleCheck(svc, first: false);
            return;
        }
        var line = _log.Warning().Add("health check of service ").Add(svc.Name).Add(" failed ").Add(p.CheckFailures)
            .Add(p.CheckFailures == 1 ? " time (" : " times (");
        if (p.CheckTimedOut) line.Add("timed out after ").Add(p.Policy.CheckTimeout).Add(" s");
        else if (t.Signaled) line.Add("signal ").Signal(t.Value);
        else line.Add("exit ").Add(t.Value);
        line.Add("): restarting it").Line();
        p.CheckFailures = 0;
        StopByPolicy(main, always: true);
    }
}
