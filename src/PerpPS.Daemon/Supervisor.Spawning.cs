using PerpPS.Core.Cli;
using PerpPS.Core.Interop;
using PerpPS.Core.Posix;
using PerpPS.Core.Protocol;
using PerpPS.Daemon.Interop;

namespace PerpPS.Daemon;

/// <summary>Starts and resets: spawning a runscript, exec and fork failures, the retry pause.</summary>
internal sealed partial class Supervisor
{
    private void SpawnStart(Subservice sub)
    {
        Service svc = sub.Owner;
        // A new process is not stopped: PAUSED belonged to the old one (perp 2.07 shows
        // `perpctl p; d; u` as [+ +++ ---], not paused).
        sub.Clear(SubserviceFlags.IsPaused);
        if (svc.HasLog && (svc.LogPipeRead < 0 || svc.LogPipeWrite < 0) && !OpenLogPipe(svc))
        {
            sub.NoteSpawnFailed();
            ScheduleRetry(sub);
            return;
        }
        int readyWrite = -1, readyRead = -1;
        if (!sub.IsLog) readyWrite = OpenReadinessPipe(svc, out readyRead);
        ReadOnlySpan<FdAssignment> extra = readyWrite >= 0
            ? [new FdAssignment(svc.Policy.Policy.NotificationFd, readyWrite)] : default;
        // The governor's hold-back (RequestStart) is slept in the child, as perp's: the pid is
        // there at once and a logger's pipe is held by a process that reads nothing yet.
        long now = Native.MonotonicNanoseconds();
        if (sub.HoldUntil <= now) sub.HoldUntil = 0;
        sub.StoppedAsleep = false;
        var result = SpawnContained(sub, null, 0, out int errno, extra, sub.HoldUntil);
        if (readyWrite >= 0) Libc.Close(readyWrite);
        if (result == SpawnResult.Started)
        {
            Watch(sub);
            OnRunStarted(sub);
            if (!sub.IsLog) MainStarted(sub, readyRead);
            return;
        }
        if (readyRead >= 0) Libc.Close(readyRead);
        if (result == SpawnResult.ForkFailed)
        {
            sub.NoteSpawnFailed();
            ForkFailed(sub, errno);
            return;
        }
        StartExecFailed(sub, _spawner.FailedStep, _spawner.FailedFd, errno);
    }

    /// <summary>A start could not be executed (at once, or after its child's sleep): perp's exit 111 path.</summary>
    private void StartExecFailed(Subservice sub, int step, int failedFd, int errno)
    {
        ExecFailed(sub, step, failedFd, errno);
        sub.PreviousPid = 0;
        OnStartExecFailed(sub, errno);
        Terminated(sub, Termination.ExecFailure);
    }

    private void SpawnReset(Subservice sub, Termination ended)
    {
        sub.Set(SubserviceFlags.IsReset);
        sub.Clear(SubserviceFlags.Failing);
        sub.LastTermination = ended;
        var now = Tai64N.Now();
        long svSeconds = (long)Tai64N.RoundedSecondsBetween(now, sub.When);
        sub.When = now;
        var result = SpawnContained(sub, ended, svSeconds, out int errno);
        if (result == SpawnResult.Started)
        {
            Watch(sub);
            OnResetStarted(sub);
            if (sub.Owner.IsCulling) ArmStopTimeout(sub);
            return;
        }
        if (result == SpawnResult.ForkFailed)
        {
            ForkFailed(sub, errno);
            return;
        }
        ExecFailed(sub, _spawner.FailedStep, _spawner.FailedFd, errno);
        OnResetExecFailed(sub, errno);
        Terminated(sub, Termination.ExecFailure);
    }

    /// <summary>perp's child messages (spec §2.7), one per step that can fail before exec.</summary>
    private void ExecFailed(Subservice sub, int step, int failedFd, int errno)
    {
        var line = _log.Error().Add("fatal: (in child for service ").Add(sub.Owner.Name).Add("): ");
        switch (step)
        {
            case SpawnShim.StepFchdir: line.Add("failure fchdir() to service directory: "); break;
            case SpawnShim.StepDup2 when failedFd == 1: line.Add("failure dup2() on logpipe[1] to logging service: "); break;
            case SpawnShim.StepDup2 when failedFd == 0: line.Add("failure dup2() on logpipe[0] for logging service: "); break;
            case SpawnShim.StepDup2: line.Add("failure dup2() to fd ").Add(failedFd).Add(": "); break;
            case SpawnShim.StepPlan: line.Add("failure fcntl() on descriptor plan: "); break;
            case SpawnShim.StepSetsid: line.Add("failure setsid(): "); break;
            case SpawnShim.StepCgroup: line.Add("failure joining service cgroup: "); break;
            default: line.Add(" failure execve(): "); break; // perp's two spaces
        }
        line.Errno(errno).Line();
    }

    private void ForkFailed(Subservice sub, int errno)
    {
        _log.Warning().Add("failure fork() for service ").Add(sub.Owner.Name).Add(": ").Errno(errno).Line();
        Events.Emit(PerpPS.Core.Protocol.EventKind.ForkFailed, sub, detail: (uint)errno);
        if (Terminating)
        {
            _log.Warning().Add("exceptional failure in progress at termination").Line();
            _log.Warning().Add("aborting normal shutdown sequence").Line();
            Environment.Exit(ExitCode.Fatal);
        }
        _log.Warning().Add("pausing on persistent fork() failure...").Line();
        ScheduleRetry(sub);
    }

    private void ScheduleRetry(Subservice sub)
    {
        sub.Set(SubserviceFlags.Failing);
        sub.DeadlineGeneration++;
        _deadlines.Schedule(sub, DeadlineKind.SpawnRetry, Native.MonotonicNanoseconds() + FailurePause);
    }
}
