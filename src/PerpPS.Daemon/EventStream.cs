using PerpPS.Core.Protocol;

namespace PerpPS.Daemon;

/// <summary>
/// perpd's live event stream (docs/protocol-extensions.md): the daemon-wide event sequence
/// and the subscribers. The supervisor's hooks call <see cref="Emit"/> at each state change;
/// one packet is built in a fixed buffer and offered to every subscriber whose filter takes
/// the service. No allocation per event, no timer: with nobody subscribed an event costs an
/// increment.
/// </summary>
internal sealed class EventStream
{
    private readonly List<Subscriber> _subscribers = new();
    private readonly byte[] _packet = new byte[ExtensionPacket.EventSize];

    public EventStream(int limit) => Limit = limit;

    /// <summary>How many subscribers perpd serves at once (option -w).</summary>
    public int Limit { get; }

    /// <summary>The number of the last event emitted (0 before the first).</summary>
    public ulong Sequence { get; private set; }

    public int Count => _subscribers.Count;

    /// <summary>Called with each subscriber whose socket broke during an emit, or that now waits for EPOLLOUT.</summary>
    public Action<Subscriber>? Changed { get; set; }

    public void Add(Subscriber s) => _subscribers.Add(s);

    public void Remove(Subscriber s) => _subscribers.Remove(s);

    public void Emit(EventKind kind, Subservice sub, uint pid = 0, ExitKind exitKind = ExitKind.None, byte exitValue = 0, uint detail = 0) =>
        Emit(kind, sub.Owner, sub.IsLog ? EventTarget.Log : EventTarget.Main, pid, exitKind, exitValue, detail);

    public void Emit(EventKind kind, Subservice sub, Termination t, uint pid, uint detail = 0) =>
        Emit(kind, sub, pid, !t.Signaled ? ExitKind.Exited : t.Dumped ? ExitKind.Dumped : ExitKind.Killed, (byte)t.Value, detail);

    public void Emit(EventKind kind, Service svc, EventTarget target = EventTarget.Service, uint pid = 0,
        ExitKind exitKind = ExitKind.None, byte exitValue = 0, uint detail = 0)
    {
        ulong seq = ++Sequence;
        if (_subscribers.Count == 0) return;
        ExtensionPacket.WriteEvent(_packet, new PerpEvent(seq, svc.Id, Tai64N.Now(), kind, target, exitKind, exitValue, pid, detail));
        for (int i = _subscribers.Count - 1; i >= 0; i--)
        {
            var s = _subscribers[i];
            if (!s.Wants(svc.Id)) continue;
            bool wasPending = s.Pending;
            s.Offer(_packet, seq);
            if (s.Broken || s.Pending != wasPending) Changed?.Invoke(s);
        }
    }

    /// <summary>Milliseconds of a nanosecond figure, saturating at uint.MaxValue.</summary>
    public static uint Milliseconds(ulong nanoseconds) => (uint)Math.Min(nanoseconds / 1_000_000UL, uint.MaxValue);
}
