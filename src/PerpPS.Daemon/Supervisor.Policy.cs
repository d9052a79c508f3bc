using PerpPS.Core.Interop;
using PerpPS.Core.Posix;
using PerpPS.Daemon.Interop;
using PerpPS.Daemon.Policy;

namespace PerpPS.Daemon;

/// <summary>
/// Policy beyond perp, part one: reading the files at each start, the per-service stop
/// (down-signal + SIGCONT to the process group, SIGKILL of the group after timeout-kill),
/// restart backoff and give-up. Main only; the log sub-service keeps perp's rules.
/// </summary>
internal sealed partial class Supervisor
{
    /// <summary>perpd -t: timeout-kill (ns) for services without their own file; 0: none.</summary>
    private long _defaultKillNs;
    /// <summary>perpd -r: restart-backoff cap for services without their own file; null: perp's governor.</summary>
    private int? _defaultBackoff;

    /// <summary>Sets perpd's defaults for services without their own timeout-kill / restart-backoff.</summary>
    public void SetPolicyDefaults(uint killMilliseconds, uint backoffSeconds)
    {
        _defaultKillNs = killMilliseconds * 1_000_000L;
        _defaultBackoff = backoffSeconds > 0 ? (int)backoffSeconds : null;
    }

    private void LoadPolicy(Service svc)
    {
        using var directory = OpenDirectory(svc);
        PolicyLoader.Load(svc, _log);
    }

    /// <summary>The least time from this start to the next one: perp's second, or the backoff.</summary>
    private static long GovernorInterval(Subservice sub) => sub.IsLog ? Second : sub.Owner.Policy.Backoff.Interval;

    /// <summary>Main's start was spawned: a fresh run (readiness, checks).</summary>
    private void MainStarted(Subservice sub, int readyFd)
    {
        var p = sub.Owner.Policy;
        p.Generation++;
        // A held-back start runs from its exec, after the child's sleep.
        long now = Math.Max(Native.MonotonicNanoseconds(), sub.HoldUntil);
        p.StartedAt = now;
        p.Ready = false;
        p.Health = Health.Unknown;
        p.CheckFailures = 0;
        if (readyFd >= 0) WatchReadiness(sub.Owner, readyFd);
        else if (!p.HasCheck) _deadlines.Schedule(sub, DeadlineKind.ReadyByUptime, now + Second / 2);
        if (p.HasCheck) ScheduleCheck(sub.Owner, first: true, from: now);
    }

    /// <summary>Main's start ended (before its reset): backoff, give-up, and the run's readiness and check are over.</summary>
    private void MainEnded(Subservice sub)
    {
        Service svc = sub.Owner;
        var p = svc.Policy;
        long now = Native.MonotonicNanoseconds();
        p.Generation++;
        StopReadiness(svc);
        KillCheck(svc);
        p.Ready = false;
        p.Health = Health.Unknown;
        p.CheckFailures = 0;
        p.Backoff.RunEnded(now - p.StartedAt, p.Policy.RestartBackoff ?? _defaultBackoff);
        if (sub.Has(Core.Protocol.SubserviceFlags.WantDown) || p.Policy.GiveUpCount <= 0) return;
        if (!p.GiveUp.Failed(now, p.Policy.GiveUpCount, p.Policy.GiveUpSeconds)) return;
        p.Failed = true;
        sub.Set(Core.Protocol.SubserviceFlags.WantDown);
        Events.Emit(Core.Protocol.EventKind.Failed, sub, detail: (uint)p.Policy.GiveUpCount);
        _log.Warning().Add("giving up on service ").Add(svc.Name).Add(": ").Add(p.Policy.GiveUpCount)
            .Add(" failed starts within ").Add(p.Policy.GiveUpSeconds).Add(" s; it stays down until it is started").Line();
    }

    /// <summary>An explicit start (u, o, U): clears a give-up and the backoff.</summary>
    private static void ExplicitStart(Subservice sub)
    {
        if (sub.IsLog) return;
        var p = sub.Owner.Policy;
        if (!p.Failed && p.Backoff.Interval == Second) return; // perp's governor stays as it is
        p.Failed = false;
        p.GiveUp.Clear();
        p.Backoff.Reset();
        sub.WhenOk = 0;
    }

    /// <summary>
    /// Stops main's running start by its stop policy: down-signal and SIGCONT to its process
    /// group, then SIGKILL to the group after timeout-kill (else perpd -t, else -k). False when
    /// the service has no stop policy and <paramref name="always"/> is not set: perp's stop applies.
    /// </summary>
    private bool StopByPolicy(Subservice sub, bool always)
    {
        if (sub.IsLog || !sub.IsRunning || sub.IsResetting) return false;
        var p = sub.Owner.Policy;
        if (!always && !p.Policy.HasStopPolicy && _defaultKillNs == 0) return false;
        long killNs = p.Policy.TimeoutKillMs is { } ms ? ms * 1_000_000L : _defaultKillNs > 0 ? _defaultKillNs : _stopTimeout;
        int group = sub.Pid;
        if (KillGroup(group, p.Policy.DownSignal) != 0)
            _log.Warning().Add("failure kill() on ").Signal(p.Policy.DownSignal).Add(" to service ").Add(sub.Owner.Name)
                .Add(" (main): ").Errno(Native.Errno).Line();
        KillGroup(group, SignalNames.SIGCONT);
        sub.Clear(Core.Protocol.SubserviceFlags.IsPaused);
        p.StopGroup = group;
        p.StopGeneration++;
        if (killNs > 0) _deadlines.Schedule(sub, DeadlineKind.GroupKill, Native.MonotonicNanoseconds() + killNs);
        return true;
    }

    /// <summary>timeout-kill expired: SIGKILL to whatever is left of the stopped start's group.</summary>
    private void GroupKill(Subservice sub)
    {
        var p = sub.Owner.Policy;
        int group = p.StopGroup;
        p.StopGroup = 0;
        if (group > 0 && sub.Pid == group && !sub.IsResetting && _containment.Kill(sub))
        {
            // The stopped start still runs: its whole cgroup goes (setsid grandchildren too).
            // Once it has ended, its reset or a new start share the cgroup, so only the group is
            // killed then; the rest goes when the slot is down for good (KillLeftovers).
            _log.Warning().Add("stop timeout: sending signal SIGKILL to process group of service ").Add(sub.Owner.Name)
                .Add(" (main) and its cgroup").Line();
            Libc.Kill(-group, SignalNames.SIGKILL);
            return;
        }
        if (!ProcessGroup.HasLivingMember(group)) return; // nothing of the group is left
        _log.Warning().Add("stop timeout: sending signal SIGKILL to process group of service ").Add(sub.Owner.Name)
            .Add(" (main)").Line();
        Libc.Kill(-group, SignalNames.SIGKILL);
    }

    /// <summary>A service leaves the table: what is left of a stopped group goes with it, now.</summary>
    private void ForgetPolicy(Service svc)
    {
        var p = svc.Policy;
        StopReadiness(svc);
        KillCheck(svc);
        if (p.StopGroup > 0 && ProcessGroup.HasLivingMember(p.StopGroup))
        {
            _log.Warning().Add("deactivation: sending signal SIGKILL to what is left of the process group of service ")
                .Add(svc.Name).Line();
            Libc.Kill(-p.StopGroup, SignalNames.SIGKILL);
        }
        p.StopGroup = 0;
        _waiting.Remove(svc);
    }
}
