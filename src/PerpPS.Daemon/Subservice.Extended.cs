using PerpPS.Core.Protocol;
using PerpPS.Daemon.Interop;

namespace PerpPS.Daemon;

/// <summary>
/// The extended status of a sub-service (docs/protocol-extensions.md): what the last run's
/// end was, when, how long the run lasted, restart and failure counts, the policy figures
/// and, when contained, the cgroup's process count and CPU time (read when asked). Plain fields of the fixed record, updated in place by the
/// supervisor's hooks: nothing is allocated per event.
/// </summary>
internal sealed partial class Subservice
{
    private const long Second = 1_000_000_000L;

    public ExitKind LastExitKind;
    public byte LastExitValue;
    public Tai64N LastExitTime;
    public ulong LastRunNanoseconds;
    /// <summary>CLOCK_MONOTONIC ns when the current (or last) run was spawned.</summary>
    public long RunStarted;
    /// <summary>Automatic starts after a run ended, since activation.</summary>
    public uint Restarts;
    /// <summary>The same since the last u or o command.</summary>
    public uint RestartsSinceStart;
    /// <summary>Runs in a row that could not be executed or lasted under a second.</summary>
    public uint StartFailures;
    /// <summary>Process group of what runs now (every runscript leads its own), 0 when nothing runs.</summary>
    public uint ProcessGroup;

    // The service policy's figures; zero (and not Present) until set.
    public PolicyFlags Policy;
    public uint BackoffMilliseconds;
    public uint HealthFailures;
    public ExtensionFields Present;

    /// <summary>A run (start target) was spawned now.</summary>
    public void NoteRunStarted()
    {
        // A held-back start runs from its exec, after the child's sleep.
        RunStarted = Math.Max(Native.MonotonicNanoseconds(), HoldUntil);
        ProcessGroup = (uint)Pid;
    }

    /// <summary>A run ended as <paramref name="t"/>; returns its duration in ns.</summary>
    public ulong NoteRunEnded(Termination t)
    {
        ulong ran = (ulong)Math.Max(0, Native.MonotonicNanoseconds() - RunStarted);
        LastExitKind = !t.Signaled ? ExitKind.Exited : t.Dumped ? ExitKind.Dumped : ExitKind.Killed;
        LastExitValue = (byte)t.Value;
        LastExitTime = Tai64N.Now();
        LastRunNanoseconds = ran;
        StartFailures = ran < (ulong)Second ? StartFailures + 1 : 0;
        return ran;
    }

    /// <summary>A start could not be executed (perp's exit 111).</summary>
    public void NoteExecFailed(int errno)
    {
        LastExitKind = ExitKind.ExecFailed;
        LastExitValue = (byte)errno;
        LastExitTime = Tai64N.Now();
        LastRunNanoseconds = 0;
        StartFailures++;
    }

    /// <summary>
    /// A start could not even be spawned (no process: fork/clone failed, or no log pipe could
    /// be made): a failed start like one that could not be executed (issue #11), so status
    /// shows a service that cannot start as failing, not as 0 failures.
    /// </summary>
    public void NoteSpawnFailed() => StartFailures++;

    /// <summary>A run ended and another follows automatically.</summary>
    public void NoteRestart()
    {
        Restarts++;
        RestartsSinceStart++;
    }

    /// <summary>
    /// Consecutive start failures as of now: a run that has been up for a second is a success,
    /// so the count reads 0 from then on (computed when asked, so no timer is needed).
    /// </summary>
    public uint CurrentStartFailures()
    {
        if (StartFailures != 0 && Pid != 0 && !Has(SubserviceFlags.IsReset)
            && Native.MonotonicNanoseconds() - RunStarted >= Second)
            StartFailures = 0;
        return StartFailures;
    }

    /// <summary>
    /// The block of this sub-service; the cgroup figures come from <paramref name="containment"/>
    /// (absent in its fallback mode), and only with <paramref name="usage"/>: without, no
    /// cgroup file is read (an L with <see cref="ListFlags.NoCgroupFigures"/>; the two reads
    /// are most of a record's cost) and they are absent too.
    /// </summary>
    public SubserviceExtension ToExtension(Containment containment, bool usage)
    {
        var present = CurrentPresent();
        uint processes = 0;
        ulong cpu = 0;
        if (usage && containment.TryUsage(this, out processes, out cpu)) present |= ExtensionFields.Cgroup;
        return new(LastExitKind, LastExitValue, CurrentPolicy(), Restarts, RestartsSinceStart, CurrentStartFailures(),
            Pid != 0 ? ProcessGroup : 0, LastExitTime, LastRunNanoseconds,
            CurrentBackoffMilliseconds(), CurrentHealthFailures(), processes, cpu, present);
    }
}
