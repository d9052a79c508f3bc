using PerpPS.Core.Protocol;

namespace PerpPS.Daemon;

/// <summary>
/// One of a service's two supervised slots, main (rc.main) or log (rc.log), as spec §3.1
/// describes it: the running pid (start or reset target), the flags of §5.5, <c>when</c>
/// and the governor's earliest permitted start. A fixed record, mutated in place by the
/// loop thread only.
/// </summary>
internal sealed partial class Subservice
{
    public Subservice(Service owner, bool isLog)
    {
        Owner = owner;
        IsLog = isLog;
        Flags = isLog ? SubserviceFlags.IsLog : SubserviceFlags.None;
    }

    public Service Owner { get; }
    public bool IsLog { get; }

    /// <summary>The running start or reset, 0 when nothing runs.</summary>
    public int Pid;
    /// <summary>pidfd of <see cref="Pid"/>, -1 when nothing runs.</summary>
    public int PidFd = -1;
    /// <summary>Why pidfd_open failed for the current child (then its exit is polled).</summary>
    public int PidFdErrno;
    /// <summary>The pid of the latest start (its session is killed at a stop in the fallback containment).</summary>
    public int StartPid;
    /// <summary>The pid that ran last (PERP_SVPID of the reset).</summary>
    public int PreviousPid;
    public SubserviceFlags Flags;
    /// <summary>Time of the latest start request or reset spawn (the status record's <c>when</c>).</summary>
    public Tai64N When;
    /// <summary>
    /// Governor (spec §3.6): the earliest CLOCK_MONOTONIC nanosecond at which the next start
    /// may run. 0 at activation, so the first start is immediate.
    /// </summary>
    public long WhenOk;
    /// <summary>
    /// True while a start waits in the daemon (no child yet): status shows pid 0 without
    /// WANTDOWN, i.e. "want up". Only a hold-back longer than a second (restart-backoff)
    /// waits here; the governor's second is slept in the child (<see cref="HoldUntil"/>).
    /// </summary>
    public bool StartPending;
    /// <summary>
    /// The CLOCK_MONOTONIC ns until which the current start's child sleeps before its exec
    /// (perp's governor sleep, spec §3.2 step 6); 0 when it exec'd at once. Set by
    /// RequestStart, taken by SpawnStart.
    /// </summary>
    public long HoldUntil;
    /// <summary>Read end of a sleeping start's report pipe (Spawner.TakeReport), -1 when none.</summary>
    public int SpawnReport = -1;
    /// <summary>A <c>d</c> reached the current start while its child still slept (see Supervisor.Ended).</summary>
    public bool StoppedAsleep;
    /// <summary>Bumped whenever a scheduled deadline of this slot must be forgotten.</summary>
    public int DeadlineGeneration;
    /// <summary>A stop-timeout SIGKILL is armed for this slot (deactivation/shutdown only).</summary>
    public bool KillArmed;
    /// <summary>Pid file supervision (Supervisor.PidFile.cs): the running pid was read from the pid file, not spawned.</summary>
    public bool Adopted;
    /// <summary>The start exited 0 and perpd is looking for its pid file (attempts so far, -1 when not).</summary>
    public int PidFileAttempts = -1;
    /// <summary>How the last start ended: what a retried reset reports.</summary>
    public Termination LastTermination;

    public bool IsRunning => Pid != 0;
    public bool IsResetting => Pid != 0 && Has(SubserviceFlags.IsReset);
    public bool Has(SubserviceFlags f) => (Flags & f) != 0;
    public void Set(SubserviceFlags f) => Flags |= f;
    public void Clear(SubserviceFlags f) => Flags &= ~f;

    /// <summary>"main" or "log", as perp names the slot in its warnings ("(main)", "./rc.log").</summary>
    public string Label => IsLog ? "log" : "main";

    public SubserviceStatus ToStatus() => new((uint)Pid, When, Flags);
}
