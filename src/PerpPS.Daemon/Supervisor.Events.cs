using PerpPS.Core.Protocol;

namespace PerpPS.Daemon;

/// <summary>
/// The supervisor's hooks for the extended status and the event stream: each keeps a
/// sub-service's extended fields (<see cref="Subservice"/>) and emits one event. The state
/// machine calls them in one line where the change happens.
/// </summary>
internal sealed partial class Supervisor
{
    /// <summary>Where events go; a stream without subscribers until the daemon sets its own.</summary>
    public EventStream Events { get; set; } = new(0);

    private void OnRunStarted(Subservice sub)
    {
        sub.NoteRunStarted();
        Events.Emit(EventKind.Started, sub, (uint)sub.Pid, detail: sub.Restarts);
    }

    private void OnResetStarted(Subservice sub)
    {
        sub.ProcessGroup = (uint)sub.Pid;
        Events.Emit(EventKind.ResetStarted, sub, (uint)sub.Pid);
    }

    /// <summary>A child was reaped (pid already cleared): a run's end is recorded; a reset's is only reported.</summary>
    private void OnEnded(Subservice sub, Termination t, int pid)
    {
        sub.ProcessGroup = 0;
        if (sub.Has(SubserviceFlags.IsReset))
        {
            Events.Emit(EventKind.ResetDone, sub, t, (uint)pid);
            return;
        }
        ulong ran = sub.NoteRunEnded(t);
        Events.Emit(EventKind.Exited, sub, t, (uint)pid, EventStream.Milliseconds(ran));
    }

    private void OnStartExecFailed(Subservice sub, int errno)
    {
        sub.NoteExecFailed(errno);
        Events.Emit(EventKind.ExecFailed, sub, 0, ExitKind.ExecFailed, (byte)errno, (uint)errno);
    }

    private void OnResetExecFailed(Subservice sub, int errno) =>
        Events.Emit(EventKind.ResetDone, sub, 0, ExitKind.ExecFailed, (byte)errno, (uint)errno);

    private static void OnRestart(Subservice sub) => sub.NoteRestart();

    private void OnStartHeld(Subservice sub, long delayNanoseconds) =>
        Events.Emit(EventKind.StartHeld, sub, detail: EventStream.Milliseconds((ulong)Math.Max(0, delayNanoseconds)));

    private void OnDown(Subservice sub) => Events.Emit(EventKind.Down, sub);

    private void OnCommand(Subservice sub, byte command)
    {
        switch (command)
        {
            case ControlCommand.Up or ControlCommand.Once:
                sub.RestartsSinceStart = 0;
                Events.Emit(EventKind.WantUp, sub, detail: command);
                return;
            case ControlCommand.Down:
                Events.Emit(EventKind.WantDown, sub);
                if (!sub.IsRunning) OnDown(sub);
                return;
        }
    }
}
