using PerpPS.Core.Interop;
using PerpPS.Core.Posix;
using PerpPS.Core.Protocol;
using PerpPS.Daemon.Interop;

namespace PerpPS.Daemon;

/// <summary>Control commands (spec §6.2) and perp's signal filtering.</summary>
internal sealed partial class Supervisor
{

    /// <summary>
    /// A C packet for a known service (spec §6.2); returns the errno to reply. What a command
    /// asks beyond its flags is queued, not done: the starts it asks for (u, o, U: the policy
    /// files read, the dependency check, the spawn) and the wanted-state file it changes. The
    /// control server sends the reply first and then calls <see cref="RunDeferredStarts"/> in
    /// the same loop turn, so a client's answer waits behind neither a spawn nor file I/O
    /// (the reply is the same: a start request never fails at request time, and the saved
    /// wants are the flags the command has already set). Measured with strace -T on perpctl:
    /// the policy files and the want file's write and rename were the time between perpd's
    /// read of a u and its reply.
    /// </summary>
    public int Command(Service svc, byte command, CommandFlags flags)
    {
        _deferStarts = true;
        try { return Execute(svc, command, flags); }
        finally { _deferStarts = false; }
    }

    private bool _deferStarts;
    private readonly List<Subservice> _deferredStarts = new();
    private readonly List<Subservice> _deferredRequests = new();
    private Service? _deferredSave;

    /// <summary>Runs what the last command queued (after its reply was written): the wanted-state save, then the starts.</summary>
    public void RunDeferredStarts()
    {
        if (_deferredSave is { } saved)
        {
            _deferredSave = null;
            if (!saved.Removed) Wanted?.Save(saved);
        }
        for (int i = 0; i < _deferredRequests.Count; i++)
        {
            Subservice sub = _deferredRequests[i];
            if (sub.Owner.Removed || sub.IsRunning || sub.Has(SubserviceFlags.WantDown)) continue;
            RequestStart(sub);
        }
        _deferredRequests.Clear();
        for (int i = 0; i < _deferredStarts.Count; i++)
        {
            Subservice sub = _deferredStarts[i];
            if (sub.Owner.Removed || sub.IsRunning || sub.StartPending || sub.Has(SubserviceFlags.WantDown)) continue;
            SpawnStart(sub);
        }
        _deferredStarts.Clear();
    }

    /// <summary>A command's start request: after the reply when a command runs, else now.</summary>
    private void RequestStartAfterReply(Subservice sub)
    {
        if (_deferStarts) _deferredRequests.Add(sub);
        else RequestStart(sub);
    }

    private int Execute(Service svc, byte command, CommandFlags flags)
    {
        if (svc.IsCulling) return Errno.EBUSY;
        if (!ControlCommand.IsKnown(command)) return Errno.EPROTO;
        bool group = (flags & CommandFlags.KillProcessGroup) != 0;
        if (command is ControlCommand.DownAll or ControlCommand.UpAll or ControlCommand.Up or ControlCommand.Once or ControlCommand.Down)
        {
            int result = ApplyWant(svc, command, flags, group);
            // A few bytes per wanted-state command, never per restart; after the reply.
            if (_deferStarts)
            {
                if (_deferredSave is { } other && other != svc) Wanted?.Save(other);
                _deferredSave = svc;
            }
            else Wanted?.Save(svc);
            return result;
        }
        Apply((flags & CommandFlags.Log) != 0 ? svc.Log : svc.Main, command, group);
        return 0;
    }

    /// <summary>
    /// An O packet (docs/protocol-extensions.md): sets (1) or clears (0) the run-once flag of
    /// main or, with the log flag, of the logger, and nothing else: no start, no stop, the
    /// wanted state untouched. So a stopped service's flag can be changed for its next start,
    /// and a running one finishes its run with the new flag. Returns the errno to reply.
    /// </summary>
    public int SetOnce(Service svc, CommandFlags flags, byte value)
    {
        if (svc.IsCulling) return Errno.EBUSY;
        if (value > 1) return Errno.EPROTO;
        Subservice sub = (flags & CommandFlags.Log) != 0 ? svc.Log : svc.Main;
        if (sub.IsLog && !svc.HasLog) return 0; // as u/o on a missing log: nothing to do, success
        bool once = value == 1;
        if (sub.Has(SubserviceFlags.IsOnce) == once) return 0;
        if (once) sub.Set(SubserviceFlags.IsOnce);
        else sub.Clear(SubserviceFlags.IsOnce);
        Wanted?.Save(svc);
        Events.Emit(EventKind.OnceChanged, sub, (uint)Math.Max(0, sub.Pid), detail: value);
        return 0;
    }

    private int ApplyWant(Service svc, byte command, CommandFlags flags, bool group)
    {
        if (command is ControlCommand.DownAll or ControlCommand.UpAll)
        {
            if ((flags & CommandFlags.Log) != 0) return 0;
            if (command == ControlCommand.DownAll)
            {
                Apply(svc.Main, ControlCommand.Down, group);
                Apply(svc.Log, ControlCommand.Down, group);
            }
            else
            {
                Apply(svc.Log, ControlCommand.Up, group);
                Apply(svc.Main, ControlCommand.Up, group);
            }
            return 0;
        }
        Apply((flags & CommandFlags.Log) != 0 ? svc.Log : svc.Main, command, group);
        return 0;
    }

    private void Apply(Subservice sub, byte command, bool group)
    {
        if (sub.IsLog && !sub.Owner.HasLog)
        {
            // perp: signals ignored, u/o do nothing, d sets a flag nobody reads; all succeed.
            if (command == ControlCommand.Down) sub.Set(SubserviceFlags.WantDown);
            return;
        }
        OnCommand(sub, command);
        switch (command)
        {
            case ControlCommand.Up:
                sub.Clear(SubserviceFlags.IsOnce | SubserviceFlags.WantDown);
                ExplicitStart(sub);
                if (!sub.IsRunning) RequestStartAfterReply(sub);
                return;
            case ControlCommand.Once:
                sub.Set(SubserviceFlags.IsOnce);
                sub.Clear(SubserviceFlags.WantDown);
                ExplicitStart(sub);
                if (!sub.IsRunning) RequestStartAfterReply(sub);
                return;
            case ControlCommand.Down:
                sub.Set(SubserviceFlags.WantDown);
                CancelPendingStart(sub);
                if (sub.IsRunning && !sub.IsResetting && sub.HoldUntil > Native.MonotonicNanoseconds()) sub.StoppedAsleep = true;
                if (!sub.IsLog) CancelWait(sub.Owner);
                if (sub.IsRunning && !StopByPolicy(sub, always: false))
                {
                    Send(sub, SignalNames.SIGTERM, group);
                    Send(sub, SignalNames.SIGCONT, group);
                }
                return;
            case ControlCommand.Pause:
                if (!sub.IsRunning || sub.IsResetting) return;
                sub.Set(SubserviceFlags.IsPaused);
                Send(sub, SignalNames.SIGSTOP, group);
                Events.Emit(EventKind.Paused, sub, (uint)sub.Pid);
                return;
            case ControlCommand.Continue:
                sub.Clear(SubserviceFlags.IsPaused);
                Send(sub, SignalNames.SIGCONT, group);
                if (sub.IsRunning) Events.Emit(EventKind.Continued, sub, (uint)sub.Pid);
                return;
            default:
                Send(sub, ControlCommand.SignalOf(command), group);
                return;
        }
    }

    /// <summary>
    /// kill(2) of a runscript's process group. A start's child that has not run its setsid
    /// yet (a governor sleeper spawned a moment ago, which perpd does not wait for) is still in
    /// perpd's group, so ESRCH falls back to the process itself.
    /// </summary>
    private static int KillGroup(int pid, int signal)
    {
        int rc = Libc.Kill(-pid, signal);
        if (rc != 0 && Native.Errno == Errno.ESRCH) rc = Libc.Kill(pid, signal);
        return rc;
    }

    /// <summary>
    /// Delivers a signal the way perp filters it: nothing when down; to a resetting
    /// runscript only SIGCONT and SIGKILL, each with a warning (others dropped, warned).
    /// </summary>
    private void Send(Subservice sub, int signal, bool group)
    {
        if (!sub.IsRunning) return;
        if (sub.IsResetting)
        {
            bool passes = signal is SignalNames.SIGCONT or SignalNames.SIGKILL;
            _log.Warning().Add(passes ? "sending signal " : "dropping signal ").Signal(signal)
                .Add(" to resetting service ").Add(sub.Owner.Name).Add(" (").Add(sub.Label).Add(")").Line();
            if (!passes) return;
        }
        if ((group ? KillGroup(sub.Pid, signal) : Libc.Kill(sub.Pid, signal)) != 0)
            _log.Warning().Add("failure kill() on ").Signal(signal).Add(" to service ").Add(sub.Owner.Name)
                .Add(" (").Add(sub.Label).Add("): ").Errno(Native.Errno).Line();
    }
}
