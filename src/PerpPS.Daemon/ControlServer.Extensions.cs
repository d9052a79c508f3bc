using PerpPS.Core.Interop;
using PerpPS.Core.Posix;
using PerpPS.Core.Protocol;
using PerpPS.Daemon.Interop;

namespace PerpPS.Daemon;

/// <summary>
/// The protocol extension on the server side (docs/protocol-extensions.md): X (extended
/// status, one reply), L (bulk status, a stream of x/n packets ending with E 0, written in
/// chunks as the socket drains) and W (the connection leaves the request/reply clients and
/// becomes an event subscriber: no stale timeout, its own limit -w, events pushed by
/// <see cref="EventStream"/>). A malformed request of these types is EPROTO, as for Q.
/// </summary>
internal sealed unsafe partial class ControlServer
{
    private readonly List<ClientConnection> _subscribers = new();
    private EventStream _events = new(0);

    public EventStream Events
    {
        get => _events;
        set
        {
            _events = value;
            _events.Changed = OnSubscriberChanged;
        }
    }

    public int SubscriberCount => _subscribers.Count;

    /// <summary>Handles a complete, well-framed X, L or W request; false for anything else (Dispatch answers it).</summary>
    private bool TryDispatchExtension(ClientConnection c, int expected)
    {
        var request = c.Request.AsSpan(0, c.Received);
        if (request[0] != Packet.Version || request.Length != expected) return false;
        byte type = request[1];
        if (type is not (PacketType.ExtendedQuery or PacketType.List or PacketType.Subscribe)) return false;
        var payload = request.Slice(Packet.HeaderSize, request[2]);
        c.Received = 0;
        c.ReplySent = 0;
        switch (type)
        {
            case PacketType.ExtendedQuery:
                if (payload.Length != ServiceId.Size) c.ReplyLength = Packet.WriteError(c.Reply, Errno.EPROTO);
                else if (!_table.TryGet(ServiceId.Read(payload), out var svc)) c.ReplyLength = Packet.WriteError(c.Reply, Errno.ENOTDIR);
                else c.ReplyLength = ExtensionPacket.WriteExtended(c.Reply, svc.ToExtended(_daemonPid, _daemonStarted, _events.Sequence, _supervisor.Containment, usage: true));
                break;
            case PacketType.List:
                if (!ExtensionPacket.TryReadIds(payload, out int count))
                {
                    c.ReplyLength = Packet.WriteError(c.Reply, Errno.EPROTO);
                    break;
                }
                c.Bulk ??= new BulkCursor();
                var flags = (ListFlags)ExtensionPacket.FlagsOf(payload);
                if (count == 0) c.Bulk.StartAll(_table, flags);
                else c.Bulk.StartIds(payload, count, flags);
                c.ReplyLength = 0;
                break;
            default:
                if (!ExtensionPacket.TryReadIds(payload, out int ids))
                {
                    c.ReplyLength = Packet.WriteError(c.Reply, Errno.EPROTO);
                    break;
                }
                if (_subscribers.Count >= _events.Limit)
                {
                    _log.Warning().Add("too many event subscribers").Line();
                    c.ReplyLength = Packet.WriteError(c.Reply, Errno.EUSERS);
                    break;
                }
                Subscribe(c, payload, ids);
                return true;
        }
        Flush(c);
        return true;
    }

    /// <summary>Refills the bulk chunk when the previous one is out; false when there is nothing more to write.</summary>
    private bool NextBulkChunk(ClientConnection c)
    {
        if (c.Bulk is not { Active: true } bulk) return false;
        c.Out = bulk.Chunk;
        c.ReplyLength = bulk.Fill(_table, _supervisor.Containment, _daemonPid, _daemonStarted, _events.Sequence);
        c.ReplySent = 0;
        return true;
    }

    private void Subscribe(ClientConnection c, ReadOnlySpan<byte> payload, int ids)
    {
        // The w answer goes out before any event: written at once, on a connection whose
        // buffer is empty (a request/reply client has no reply pending when it sends W).
        Span<byte> ack = stackalloc byte[ExtensionPacket.SubscribedSize];
        ExtensionPacket.WriteSubscribed(ack, new SubscriptionInfo(_events.Sequence, Subscriber.RingEvents));
        nint w;
        fixed (byte* a = ack) w = Libc.Send(c.Fd, a, ack.Length, Libc.MSG_NOSIGNAL);
        if (w != ack.Length)
        {
            _log.Warning().Add("error writing to client: ").Errno(w < 0 ? Native.Errno : Errno.EAGAIN).Line();
            Close(c);
            return;
        }
        var s = new Subscriber(c.Fd, payload, ids);
        c.Subscription = s;
        c.Deadline = long.MaxValue;
        c.Writing = false;
        _clients.Remove(c);
        _subscribers.Add(c);
        _events.Add(s);
    }

    private void OnSubscriberEvent(ClientConnection c, uint events)
    {
        var s = c.Subscription!;
        if ((events & Native.EPOLLOUT) != 0) s.Drain();
        if ((events & Native.EPOLLIN) != 0)
        {
            // Whatever a subscriber sends is read and ignored; EOF ends the subscription.
            nint n;
            fixed (byte* b = c.Request) n = Libc.Read(c.Fd, b, c.Request.Length);
            if (n == 0 || (n < 0 && Native.Errno is not (Errno.EAGAIN or Errno.EINTR)))
            {
                Close(c);
                return;
            }
        }
        else if ((events & (Native.EPOLLERR | Native.EPOLLHUP)) != 0)
        {
            Close(c);
            return;
        }
        OnSubscriberChanged(s);
    }

    /// <summary>After an emit or a drain: close a broken subscriber, or watch EPOLLOUT exactly while events wait.</summary>
    private void OnSubscriberChanged(Subscriber s)
    {
        var c = s.Fd >= 0 && s.Fd < _byFd.Length ? _byFd[s.Fd] : null;
        if (c == null || c.Subscription != s) return;
        if (s.Broken)
        {
            Close(c);
            return;
        }
        if (s.Pending == c.Writing) return;
        c.Writing = s.Pending;
        if (_loop.TryModify(c.Fd, EventSource.Client, s.Pending ? Native.EPOLLIN | Native.EPOLLOUT : Native.EPOLLIN) != 0) Close(c);
    }

    private void ForgetSubscriber(ClientConnection c)
    {
        _events.Remove(c.Subscription!);
        _subscribers.Remove(c);
    }

    private void CloseSubscribers()
    {
        for (int i = _subscribers.Count - 1; i >= 0; i--) Close(_subscribers[i]);
    }
}
