using PerpPS.Core.Interop;
using PerpPS.Core.Posix;
using PerpPS.Core.Protocol;
using PerpPS.Daemon.Interop;

namespace PerpPS.Daemon;

/// <summary>
/// One event subscriber (a W connection): its filter and what is queued for it. Events go
/// straight into the socket; when the kernel's buffer is full, up to <see cref="RingEvents"/>
/// whole event packets wait in a fixed ring (allocated the first time it is needed, then
/// reused); past that events are counted as lost, and once the ring has room again one
/// Overflow event carries the count. perpd never blocks on a subscriber and never holds more
/// than the ring for it.
/// </summary>
internal sealed unsafe class Subscriber
{
    public const int RingEvents = 64;
    private const int Slot = ExtensionPacket.EventSize;

    private readonly ServiceId[] _filter;
    private readonly int _filterCount;
    private byte[]? _ring;
    private int _head, _count, _sentOfHead;
    private ulong _lost, _lastLostSequence;

    public Subscriber(int fd, ReadOnlySpan<byte> payload, int idCount)
    {
        Fd = fd;
        _filter = idCount == 0 ? [] : new ServiceId[idCount];
        for (int i = 0; i < idCount; i++) _filter[i] = ExtensionPacket.IdAt(payload, i);
        _filterCount = idCount;
    }

    public int Fd { get; }

    /// <summary>Set when a write failed: the connection is to be closed.</summary>
    public bool Broken;

    /// <summary>True while packets wait in the ring (the fd is then watched for EPOLLOUT).</summary>
    public bool Pending => _count > 0;

    public bool Wants(ServiceId id)
    {
        if (_filterCount == 0) return true;
        for (int i = 0; i < _filterCount; i++) if (_filter[i] == id) return true;
        return false;
    }

    /// <summary>Queues or sends one event packet (<see cref="Slot"/> bytes); false when the connection broke.</summary>
    public void Offer(ReadOnlySpan<byte> packet, ulong sequence)
    {
        if (Broken) return;
        if (_lost > 0 || _count == RingEvents)
        {
            // Behind: drop until the ring has drained enough to carry the Overflow marker.
            _lost++;
            _lastLostSequence = sequence;
            return;
        }
        if (_count == 0)
        {
            int sent = Send(packet);
            if (sent == Slot || Broken) return;
            Enqueue(packet, sent);
            return;
        }
        Enqueue(packet, 0);
    }

    /// <summary>The socket is writable: send what waits; then, if events were lost, queue the Overflow marker.</summary>
    public void Drain()
    {
        while (_count > 0 && !Broken)
        {
            var slot = _ring.AsSpan(_head * Slot + _sentOfHead, Slot - _sentOfHead);
            int sent = Send(slot);
            if (Broken) return;
            _sentOfHead += sent;
            if (_sentOfHead < Slot) return; // the socket is full again
            _sentOfHead = 0;
            _head = (_head + 1) % RingEvents;
            _count--;
            if (_lost > 0 && _count < RingEvents) QueueOverflow();
        }
        if (_lost > 0 && !Broken)
        {
            QueueOverflow();
            Drain();
        }
    }

    private void QueueOverflow()
    {
        Span<byte> p = stackalloc byte[Slot];
        ExtensionPacket.WriteEvent(p, new PerpEvent(_lastLostSequence, default, Tai64N.Now(), EventKind.Overflow,
            EventTarget.Service, ExitKind.None, 0, 0, (uint)Math.Min(_lost, uint.MaxValue)));
        _lost = 0;
        Enqueue(p, 0);
    }

    private void Enqueue(ReadOnlySpan<byte> packet, int alreadySent)
    {
        _ring ??= new byte[RingEvents * Slot];
        int tail = (_head + _count) % RingEvents;
        packet.CopyTo(_ring.AsSpan(tail * Slot, Slot));
        if (_count == 0) _sentOfHead = alreadySent;
        _count++;
    }

    /// <summary>Non-blocking send; returns bytes sent (0 when the socket is full) and marks <see cref="Broken"/> on error.</summary>
    private int Send(ReadOnlySpan<byte> data)
    {
        while (true)
        {
            nint w;
            fixed (byte* d = data) w = Libc.Send(Fd, d, data.Length, Libc.MSG_NOSIGNAL);
            if (w >= 0) return (int)w;
            int errno = Native.Errno;
            if (errno == Errno.EINTR) continue;
            if (errno == Errno.EAGAIN) return 0;
            Broken = true;
            return 0;
        }
    }
}
