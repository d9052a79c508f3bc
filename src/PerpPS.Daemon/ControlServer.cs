using PerpPS.Core.Interop;
using PerpPS.Core.Posix;
using PerpPS.Core.Protocol;
using PerpPS.Daemon.Interop;

namespace PerpPS.Daemon;

/// <summary>
/// The control socket's server side, protocol v2 (spec §5.6): Q → S record or ENOTDIR,
/// C → E errno (ENOENT unknown, EBUSY deactivating, EPROTO bad command, 0 done),
/// Y → EOPNOTSUPP, anything malformed → EPROTO. Strictly one reply per request; a client
/// idle for 8 s is closed. Non-blocking throughout; partial packets resume later.
/// </summary>
internal sealed unsafe partial class ControlServer
{
    private const long StaleAfter = 8_000_000_000L;

    private readonly DaemonLog _log;
    private readonly EventLoop _loop;
    private readonly ServiceTable _table;
    private readonly Supervisor _supervisor;
    private readonly int _maxClients;
    private readonly uint _daemonPid;
    private readonly Tai64N _daemonStarted;
    private ClientConnection?[] _byFd = new ClientConnection?[64];
    private readonly List<ClientConnection> _clients = new();
    private int _listenFd;

    public ControlServer(int listenFd, int maxClients, DaemonLog log, EventLoop loop, ServiceTable table,
        Supervisor supervisor, Tai64N daemonStarted)
    {
        _listenFd = listenFd;
        _maxClients = maxClients;
        _log = log;
        _loop = loop;
        _table = table;
        _supervisor = supervisor;
        _daemonPid = (uint)log.Pid;
        _daemonStarted = daemonStarted;
        _loop.Add(listenFd, EventSource.Listener, Native.EPOLLIN);
    }

    private const int EMFILE = 24, ENFILE = 23;
    /// <summary>
    /// A descriptor held in reserve: when accept fails for want of descriptors, it is
    /// released to accept and close the waiting client, or the level-triggered listener
    /// would wake the loop forever.
    /// </summary>
    private int _spareFd = OpenSpare();

    public int ClientCount => _clients.Count;

    private static int OpenSpare()
    {
        byte* path = stackalloc byte[10];
        "/dev/null\0"u8.CopyTo(new Span<byte>(path, 10));
        return Libc.Open(path, Libc.O_RDONLY | Libc.O_CLOEXEC, 0);
    }

    private void ShedWithSpare()
    {
        if (_spareFd >= 0) Libc.Close(_spareFd);
        int fd = Native.Accept4(_listenFd, null, null, Libc.SOCK_CLOEXEC);
        if (fd >= 0) Libc.Close(fd);
        // One line per shortage (issue #11), not one per refused client.
        if (!_shedding) _log.Warning().Add("too many open files: closing a client connection").Line();
        _shedding = true;
        _spareFd = OpenSpare();
    }

    /// <summary>Set while clients are shed for want of descriptors; cleared by the next accept.</summary>
    private bool _shedding;

    /// <summary>The earliest stale deadline of a connected client, or long.MaxValue.</summary>
    public long NextDeadline()
    {
        long next = long.MaxValue;
        foreach (var c in _clients) if (c.Deadline < next) next = c.Deadline;
        return next;
    }

    /// <summary>Closes the connections older than 8 s (spec §5.6, edge case 25).</summary>
    public void CloseStale(long now)
    {
        for (int i = _clients.Count - 1; i >= 0; i--)
        {
            var c = _clients[i];
            if (c.Deadline > now) continue;
            _log.Warning().Add("closing stale client connection").Line();
            Close(c);
        }
    }

    /// <summary>At shutdown: the listener closes (its file stays: clients get ECONNREFUSED) and clients drop.</summary>
    public void Shutdown()
    {
        if (_listenFd >= 0)
        {
            Libc.Close(_listenFd);
            _listenFd = -1;
        }
        for (int i = _clients.Count - 1; i >= 0; i--) Close(_clients[i]);
        CloseSubscribers();
    }

    public void OnListenerReadable()
    {
        while (_listenFd >= 0)
        {
            int fd = Native.Accept4(_listenFd, null, null, Libc.SOCK_NONBLOCK | Libc.SOCK_CLOEXEC);
            if (fd < 0)
            {
                int errno = Native.Errno;
                if (errno is EMFILE or ENFILE) ShedWithSpare();
                return; // EAGAIN, or an aborted connection
            }
            _shedding = false;
            if (_clients.Count >= _maxClients)
            {
                Libc.Close(fd);
                _log.Warning().Add("too many client connections").Line();
                continue;
            }
            var c = new ClientConnection(fd, Native.MonotonicNanoseconds() + StaleAfter);
            if (fd >= _byFd.Length) Array.Resize(ref _byFd, Math.Max(fd + 1, _byFd.Length * 2));
            int addErrno = _loop.TryAdd(fd, EventSource.Client, Native.EPOLLIN);
            if (addErrno != 0)
            {
                // Not fatal (issue #11): this client is closed, the next one may fare better.
                Libc.Close(fd);
                _log.Warning().Add("failure epoll_ctl() for a client connection: ").Errno(addErrno).Line();
                continue;
            }
            _byFd[fd] = c;
            _clients.Add(c);
        }
    }

    public void OnClientEvent(int fd, uint events)
    {
        var c = fd >= 0 && fd < _byFd.Length ? _byFd[fd] : null;
        if (c == null) return;
        if (c.Subscription != null)
        {
            OnSubscriberEvent(c, events);
            return;
        }
        if (c.Writing)
        {
            if ((events & (Native.EPOLLOUT | Native.EPOLLERR | Native.EPOLLHUP)) != 0) Flush(c);
            return;
        }
        if ((events & Native.EPOLLIN) != 0) Read(c);
        else if ((events & (Native.EPOLLERR | Native.EPOLLHUP)) != 0)
        {
            _log.Warning().Add("error on client socket").Line();
            Close(c);
        }
    }

    private void Read(ClientConnection c)
    {
        nint n;
        fixed (byte* b = &c.Request[c.Received]) n = Libc.Read(c.Fd, b, c.Request.Length - c.Received);
        if (n == 0)
        {
            Close(c);
            return;
        }
        if (n < 0)
        {
            int errno = Native.Errno;
            if (errno is Errno.EAGAIN or Errno.EINTR) return;
            _log.Warning().Add("error reading client: ").Errno(errno).Line();
            Close(c);
            return;
        }
        c.Received += (int)n;
        if (c.Received < Packet.HeaderSize) return;
        int expected = Packet.ExpectedLength(c.Request.AsSpan(0, c.Received));
        if (c.Received < expected) return;
        if (TryDispatchExtension(c, expected)) return;
        c.ReplyLength = Dispatch(c.Request.AsSpan(0, c.Received), expected, c.Reply);
        c.ReplySent = 0;
        c.Received = 0;
        Flush(c);
        // The reply is in the socket: now the spawns the command asked for (perpctl u's
        // answer does not wait for the child to exec).
        _supervisor.RunDeferredStarts();
    }

    /// <summary>Answers one complete request; returns the reply's length.</summary>
    private int Dispatch(ReadOnlySpan<byte> request, int expected, Span<byte> reply)
    {
        // More than one packet's worth (e.g. pipelined requests) is a protocol error (edge case 24).
        if (request[0] != Packet.Version || request.Length > expected) return Packet.WriteError(reply, Errno.EPROTO);
        int length = request[2];
        var payload = request.Slice(Packet.HeaderSize, length);
        switch (request[1])
        {
            case PacketType.Query when length == ServiceId.Size:
                if (!_table.TryGet(ServiceId.Read(payload), out var queried)) return Packet.WriteError(reply, Errno.ENOTDIR);
                return Packet.WriteStatus(reply, queried.ToStatus(_daemonPid, _daemonStarted));
            case PacketType.Command when length == ServiceId.Size + 2:
                if (!_table.TryGet(ServiceId.Read(payload), out var target)) return Packet.WriteError(reply, Errno.ENOENT);
                return Packet.WriteError(reply, _supervisor.Command(target, payload[16], (CommandFlags)payload[17]));
            case PacketType.SetOnce when length == ServiceId.Size + 2:
                if (!_table.TryGet(ServiceId.Read(payload), out var flagged)) return Packet.WriteError(reply, Errno.ENOENT);
                return Packet.WriteError(reply, _supervisor.SetOnce(flagged, (CommandFlags)payload[16], payload[17]));
            case PacketType.PidYank:
                return Packet.WriteError(reply, Errno.EOPNOTSUPP);
            default:
                return Packet.WriteError(reply, Errno.EPROTO);
        }
    }

    private void Flush(ClientConnection c)
    {
        while (c.ReplySent < c.ReplyLength || NextBulkChunk(c))
        {
            nint w;
            fixed (byte* b = &c.Out[c.ReplySent]) w = Libc.Send(c.Fd, b, c.ReplyLength - c.ReplySent, Libc.MSG_NOSIGNAL);
            if (w < 0)
            {
                int errno = Native.Errno;
                if (errno == Errno.EINTR) continue;
                if (errno == Errno.EAGAIN)
                {
                    if (!c.Writing)
                    {
                        c.Writing = true;
                        if (_loop.TryModify(c.Fd, EventSource.Client, Native.EPOLLOUT) != 0) Close(c);
                    }
                    return;
                }
                _log.Warning().Add("error writing to client: ").Errno(errno).Line();
                Close(c);
                return;
            }
            c.ReplySent += (int)w;
        }
        c.Out = c.Reply;
        if (c.Writing)
        {
            c.Writing = false;
            if (_loop.TryModify(c.Fd, EventSource.Client, Native.EPOLLIN) != 0)
            {
                Close(c);
                return;
            }
        }
        c.Deadline = Native.MonotonicNanoseconds() + StaleAfter;
    }

    private void Close(ClientConnection c)
    {
        if (c.Subscription != null) ForgetSubscriber(c);
        Libc.Close(c.Fd);
        _byFd[c.Fd] = null;
        _clients.Remove(c);
    }
}
