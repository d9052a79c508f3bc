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
        if (svc.HasLog && (svc.LogPipeRead < 0 || svc.LogPipeWrite < 0) && !OpenLogPipe(svc))
        {
            ScheduleRetry(sub);
            return;
        }
        var result = _spawner.Spawn(sub, null, 0, out int errno);
        if (result == SpawnResult.Started)
        {
            Watch(sub);
            return;
        }
        if (result == SpawnResult.ForkFailed)
        {
            ForkFailed(sub, errno);
            return;
        }
        ExecFailed(sub, errno);
        sub.PreviousPid = 0;
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
        var result = _spawner.Spawn(sub, ended, svSeconds, out int errno);
        if (result == SpawnResult.Started)
        {
            Watch(sub);
            if (sub.Owner.IsCulling) ArmStopTimeout(sub);
            return;
        }
        if (result == SpawnResult.ForkFailed)
        {
            ForkFailed(sub, errno);
            return;
        }
        ExecFailed(sub, errno);
        Terminated(sub, Termination.ExecFailure);
    }

    private void ExecFailed(Subservice sub, int errno) =>
        _log.Error().Add("fatal: (in child for service ").Add(sub.Owner.Name).Add("):  failure execve(): ").Errno(errno).Line();

    private void ForkFailed(Subservice sub, int errno)
    {
        _log.Warning().Add("failure fork() for service ").Add(sub.Owner.Name).Add(": ").Errno(errno).Line();
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
