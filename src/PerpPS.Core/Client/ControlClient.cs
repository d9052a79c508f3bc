using System.Runtime.InteropServices;
using PerpPS.Core.Interop;
using PerpPS.Core.Posix;
using PerpPS.Core.Protocol;

namespace PerpPS.Core.Client;

/// <summary>
/// One connection to perpd's control socket, carrying strictly alternating request/reply
/// exchanges (spec §5.1). Blocking I/O on a raw socket so every errno is perp's errno; an
/// optional timeout (SO_RCVTIMEO/SO_SNDTIMEO) keeps a hung daemon from hanging the caller.
/// Not thread-safe: one exchange at a time.
/// </summary>
public sealed unsafe partial class ControlClient : IDisposable
{
    private int _fd;
    private readonly byte[] _buffer = new byte[Packet.MaxSize];
    // Bytes read ahead while reading a reply stream (L): perpd writes such a stream in
    // chunks of many packets, so one read takes a chunk instead of two reads per packet.
    // Only stream reads fill it; a request/reply exchange reads exactly its one packet.
    private byte[]? _ahead;
    private int _aheadStart, _aheadEnd;
    private const int AheadSize = 16 * 1024;

    private ControlClient(int fd, string socketPath)
    {
        _fd = fd;
        SocketPath = socketPath;
    }

    /// <summary>The socket path this client connected to.</summary>
    public string SocketPath { get; }

    /// <summary>Connects to BASE/.control/perpd.sock.</summary>
    public static ControlClient ConnectToBase(string baseDirectory, TimeSpan? timeout = null) =>
        Connect(PerpPaths.ControlSocket(baseDirectory), timeout);

    /// <summary>Connects to a control socket.</summary>
    /// <exception cref="ControlException">Stage Connect, with the errno.</exception>
    public static ControlClient Connect(string socketPath, TimeSpan? timeout = null)
    {
        byte[] path = NativePath.ToBytes(socketPath);
        Span<byte> address = stackalloc byte[2 + Libc.SunPathSize];
        int length = Libc.MakeUnixAddress(path.AsSpan(0, path.Length - 1), address);
        if (length < 0) throw new ControlException(ControlStage.Connect, Errno.ENAMETOOLONG, socketPath);

        int fd = Libc.Socket(Libc.AF_UNIX, Libc.SOCK_STREAM | Libc.SOCK_CLOEXEC, 0);
        if (fd < 0) throw new ControlException(ControlStage.Connect, Marshal.GetLastPInvokeError(), socketPath);
        if (timeout is { } t && t > TimeSpan.Zero)
        {
            var tv = new Libc.TimeVal
            {
                Seconds = (long)t.TotalSeconds,
                Microseconds = (long)(t.TotalMicroseconds % 1_000_000),
            };
            Libc.SetSockOpt(fd, Libc.SOL_SOCKET, Libc.SO_RCVTIMEO, &tv, sizeof(Libc.TimeVal));
            Libc.SetSockOpt(fd, Libc.SOL_SOCKET, Libc.SO_SNDTIMEO, &tv, sizeof(Libc.TimeVal));
        }
        int rc;
        fixed (byte* a = address) rc = Libc.Connect(fd, a, length);
        if (rc != 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            Libc.Close(fd);
            throw new ControlException(ControlStage.Connect, errno, socketPath);
        }
        return new ControlClient(fd, socketPath);
    }

    /// <summary>Asks for the status of a service (Q packet).</summary>
    public Reply Query(ServiceId id)
    {
        int n = Packet.WriteQuery(_buffer, id);
        return Exchange(_buffer.AsSpan(0, n));
    }

    /// <summary>Sends a control command (C packet); success is an E reply with errno 0.</summary>
    public Reply Command(ServiceId id, byte command, CommandFlags flags = CommandFlags.None)
    {
        int n = Packet.WriteCommand(_buffer, id, command, flags);
        return Exchange(_buffer.AsSpan(0, n));
    }

    /// <summary>
    /// Writes one request and reads one reply. A reply cut short by EOF is classified as
    /// an unknown packet type, which is what perp's clients report in that case.
    /// </summary>
    /// <exception cref="ControlException">Stage Write or Read, with the errno.</exception>
    public Reply Exchange(ReadOnlySpan<byte> request)
    {
        ObjectDisposedException.ThrowIf(_fd < 0, this);
        WriteAll(request);
        int got = ReadPacket(out bool cut);
        if (cut)
            return got >= 1 && _buffer[0] != Packet.Version
                ? new Reply(ReplyKind.BadProtocol, 0, default)
                : new Reply(ReplyKind.BadType, 0, default);
        return Reply.Parse(_buffer.AsSpan(0, got));
    }

    /// <summary>
    /// Reads one whole packet into the buffer and returns its length; <paramref name="cut"/>
    /// is set when EOF came first (the return value is then what had arrived). With
    /// <paramref name="stream"/> (a reply stream follows) it reads as much as has arrived and
    /// keeps what is past this packet for the next call.
    /// </summary>
    private int ReadPacket(out bool cut, bool stream = false)
    {
        cut = false;
        if (stream || _aheadEnd > _aheadStart) return ReadAheadPacket(out cut);
        int got = 0;
        while (got < Packet.HeaderSize || got < Packet.ExpectedLength(_buffer.AsSpan(0, got)))
        {
            int want = got < Packet.HeaderSize ? Packet.HeaderSize - got : Packet.ExpectedLength(_buffer.AsSpan(0, got)) - got;
            nint r;
            fixed (byte* b = &_buffer[got]) r = ReadSome(b, want);
            if (r == 0)
            {
                cut = true;
                return got;
            }
            got += (int)r;
        }
        return got;
    }

    /// <summary>One read(2) of the socket, retried on EINTR; 0 at end of stream; a failure throws.</summary>
    private unsafe nint ReadSome(byte* into, int count)
    {
        while (true)
        {
            nint r = Libc.Read(_fd, into, count);
            if (r >= 0) return r;
            int errno = Marshal.GetLastPInvokeError();
            if (errno != Errno.EINTR) throw new ControlException(ControlStage.Read, errno, SocketPath);
        }
    }

    private int ReadAheadPacket(out bool cut)
    {
        cut = false;
        var ahead = _ahead ??= new byte[AheadSize];
        while (true)
        {
            int have = _aheadEnd - _aheadStart;
            if (have >= Packet.HeaderSize)
            {
                int length = Packet.ExpectedLength(ahead.AsSpan(_aheadStart, have));
                if (have >= length)
                {
                    Buffer.BlockCopy(ahead, _aheadStart, _buffer, 0, length);
                    _aheadStart += length;
                    if (_aheadStart == _aheadEnd) _aheadStart = _aheadEnd = 0;
                    return length;
                }
            }
            if (_aheadStart > 0)
            {
                Buffer.BlockCopy(ahead, _aheadStart, ahead, 0, have);
                _aheadStart = 0;
                _aheadEnd = have;
            }
            nint r;
            fixed (byte* b = &ahead[_aheadEnd]) r = ReadSome(b, ahead.Length - _aheadEnd);
            if (r == 0)
            {
                cut = true;
                Buffer.BlockCopy(ahead, 0, _buffer, 0, have);
                _aheadStart = _aheadEnd = 0;
                return have;
            }
            _aheadEnd += (int)r;
        }
    }

    private void WriteAll(ReadOnlySpan<byte> data)
    {
        while (!data.IsEmpty)
        {
            nint w;
            fixed (byte* d = data) w = Libc.Send(_fd, d, data.Length, Libc.MSG_NOSIGNAL);
            if (w < 0)
            {
                int errno = Marshal.GetLastPInvokeError();
                if (errno == Errno.EINTR) continue;
                throw new ControlException(ControlStage.Write, errno, SocketPath);
            }
            data = data[(int)w..];
        }
    }

    public void Dispose()
    {
        if (_fd >= 0)
        {
            Libc.Close(_fd);
            _fd = -1;
        }
    }
}
