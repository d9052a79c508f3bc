using System.Runtime.InteropServices;
using PerpPS.Core.Interop;
using PerpPS.Core.Posix;
using PerpPS.Core.Protocol;

namespace PerpPS.Core.Client;

/// <summary>
/// A control connection turned into perpd's event stream (W, docs/protocol-extensions.md).
/// Nothing here polls perpd: <see cref="TryRead(out PerpEvent, TimeSpan, CancellationToken)"/>
/// blocks in poll(2) on the socket (and, when a token is given, on an eventfd the token
/// pokes) until an event arrives, the timeout passes or the token is cancelled, so a
/// PowerShell cmdlet can wait with a timeout and still honour Ctrl-C. <see cref="Fd"/> is the
/// socket for callers that poll it themselves; it is readable whenever an event (or EOF)
/// waits. Not thread-safe, except that cancelling the token may happen on any thread.
/// </summary>
public sealed unsafe class EventSubscription : IDisposable
{
    private int _fd;
    private int _cancelFd = -1;
    private readonly byte[] _buffer = new byte[64 * ExtensionPacket.EventSize];
    private int _start, _end;
    private readonly HashSet<ServiceId>? _filter;

    internal EventSubscription(int fd, string socketPath, SubscriptionInfo info, HashSet<ServiceId>? filter)
    {
        _fd = fd;
        SocketPath = socketPath;
        StartSequence = info.Sequence;
        BufferedEvents = info.BufferedEvents;
        _filter = filter;
    }

    /// <summary>
    /// Connects to BASE/.control/perpd.sock and subscribes (to every service when
    /// <paramref name="ids"/> is empty). Null when perpd does not speak the extension (perp
    /// 2.07): the caller falls back to polling with Q.
    /// </summary>
    /// <exception cref="ControlException">Connecting, I/O, or perpd refusing (stage Subscribe).</exception>
    public static EventSubscription? Open(string baseDirectory, ReadOnlySpan<ServiceId> ids = default, TimeSpan? timeout = null)
    {
        var client = ControlClient.ConnectToBase(baseDirectory, timeout);
        try
        {
            return client.Subscribe(ids);
        }
        finally
        {
            client.Dispose();
        }
    }

    /// <summary>The socket path of the connection.</summary>
    public string SocketPath { get; }

    /// <summary>The connected socket; readable when an event or EOF is waiting. -1 once disposed.</summary>
    public int Fd => _fd;

    /// <summary>
    /// The last event number perpd had emitted before the subscription: every event received
    /// is later. Compare with <see cref="ExtendedStatus.EventSequence"/> of a status read after
    /// subscribing to drop the events that status already reflects.
    /// </summary>
    public ulong StartSequence { get; }

    /// <summary>How many events perpd holds for this subscriber (beyond the socket buffer) before it reports an overflow.</summary>
    public int BufferedEvents { get; }

    /// <summary>True once perpd closed the stream (it shut down, or dropped this subscriber).</summary>
    public bool IsClosed { get; private set; }

    /// <summary>Takes the next event already received, without waiting.</summary>
    public bool TryReadAvailable(out PerpEvent ev) => TryRead(out ev, TimeSpan.Zero);

    /// <summary>
    /// Waits up to <paramref name="timeout"/> (<see cref="Timeout.InfiniteTimeSpan"/>: no limit)
    /// for the next event. False on timeout, cancellation or when perpd closed the stream
    /// (<see cref="IsClosed"/>).
    /// </summary>
    /// <exception cref="ControlException">A read error or a malformed packet (stage Read).</exception>
    public bool TryRead(out PerpEvent ev, TimeSpan timeout, CancellationToken cancellation = default)
    {
        ObjectDisposedException.ThrowIf(_fd < 0, this);
        long deadline = timeout == Timeout.InfiniteTimeSpan ? long.MaxValue
            : Environment.TickCount64 + (long)Math.Ceiling(Math.Max(0, timeout.TotalMilliseconds));
        CancellationTokenRegistration registration = default;
        if (cancellation.CanBeCanceled)
        {
            if (_cancelFd < 0) _cancelFd = Libc.EventFd(0, Libc.O_CLOEXEC | Libc.O_NONBLOCK);
            int cancelFd = _cancelFd;
            registration = cancellation.Register(() => Poke(cancelFd));
        }
        try
        {
            while (true)
            {
                while (TryTake(out ev))
                    if (_filter == null || ev.Kind == EventKind.Overflow || _filter.Contains(ev.Id)) return true;
                ev = default;
                if (IsClosed || cancellation.IsCancellationRequested) return false;
                long now = Environment.TickCount64;
                int wait = deadline == long.MaxValue ? -1 : (int)Math.Clamp(deadline - now, 0, int.MaxValue);
                if (!WaitReadable(wait, cancellation.CanBeCanceled)) return false;
                if (cancellation.IsCancellationRequested) return false;
                Fill();
            }
        }
        finally
        {
            registration.Dispose();
            if (_cancelFd >= 0) Drain(_cancelFd);
        }
    }

    /// <summary>Parses the next whole packet in the buffer; unknown packet types are skipped (later versions may add some).</summary>
    private bool TryTake(out PerpEvent ev)
    {
        ev = default;
        while (_end - _start >= Packet.HeaderSize)
        {
            int length = Packet.HeaderSize + _buffer[_start + 2];
            if (_end - _start < length) return false;
            var p = _buffer.AsSpan(_start, length);
            _start += length;
            if (p[0] != Packet.Version) throw new ControlException(ControlStage.Read, Errno.EPROTO, SocketPath);
            if (p[1] != PacketType.Event) continue;
            if (p[2] < PerpEvent.Size) throw new ControlException(ControlStage.Read, Errno.EPROTO, SocketPath);
            ev = PerpEvent.Read(p[Packet.HeaderSize..]);
            return true;
        }
        return false;
    }

    private bool WaitReadable(int timeoutMs, bool withCancel)
    {
        var fds = stackalloc Libc.PollFd[2];
        fds[0] = new Libc.PollFd { Fd = _fd, Events = Libc.POLLIN };
        fds[1] = new Libc.PollFd { Fd = _cancelFd, Events = Libc.POLLIN };
        while (true)
        {
            int rc = Libc.Poll(fds, withCancel && _cancelFd >= 0 ? 2u : 1u, timeoutMs);
            if (rc > 0) return fds[0].Revents != 0;
            if (rc == 0) return false;
            int errno = Marshal.GetLastPInvokeError();
            if (errno != Errno.EINTR) throw new ControlException(ControlStage.Read, errno, SocketPath);
        }
    }

    /// <summary>Reads what the socket has (it is readable, so this does not block).</summary>
    private void Fill()
    {
        if (_start > 0)
        {
            Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
            _end -= _start;
            _start = 0;
        }
        while (true)
        {
            nint r;
            fixed (byte* b = &_buffer[_end]) r = Libc.Read(_fd, b, _buffer.Length - _end);
            if (r > 0)
            {
                _end += (int)r;
                return;
            }
            if (r == 0)
            {
                IsClosed = true;
                return;
            }
            int errno = Marshal.GetLastPInvokeError();
            if (errno == Errno.EINTR) continue;
            if (errno == Errno.EAGAIN) return;
            if (errno == Errno.ECONNRESET)
            {
                IsClosed = true;
                return;
            }
            throw new ControlException(ControlStage.Read, errno, SocketPath);
        }
    }

    private static void Poke(int fd)
    {
        ulong one = 1;
        Libc.Write(fd, (byte*)&one, 8);
    }

    private static void Drain(int fd)
    {
        ulong count;
        Libc.Read(fd, (byte*)&count, 8);
    }

    public void Dispose()
    {
        if (_fd >= 0)
        {
            Libc.Close(_fd);
            _fd = -1;
        }
        if (_cancelFd >= 0)
        {
            Libc.Close(_cancelFd);
            _cancelFd = -1;
        }
    }
}
