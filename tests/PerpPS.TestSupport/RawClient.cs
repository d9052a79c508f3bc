using System.Net.Sockets;
using PerpPS.Core.Client;

namespace PerpPS.TestSupport;

/// <summary>
/// A deliberately unruly client of the control socket, for sending what perp's clients never
/// would: it writes whatever bytes it is given, in whatever pieces, and reads whatever comes
/// back. The well-behaved client is PerpPS.Core's ControlClient.
/// </summary>
public sealed class RawClient : IDisposable
{
    private readonly Socket _socket;

    private RawClient(Socket socket) => _socket = socket;

    public static RawClient Connect(string socketPath, TimeSpan? timeout = null)
    {
        var s = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            s.Connect(new UnixDomainSocketEndPoint(socketPath));
        }
        catch
        {
            s.Dispose();
            throw;
        }
        int ms = (int)(timeout ?? TimeSpan.FromSeconds(3)).TotalMilliseconds;
        s.ReceiveTimeout = ms;
        s.SendTimeout = ms;
        return new RawClient(s);
    }

    /// <summary>Connects to the control socket of <paramref name="baseDirectory"/>.</summary>
    public static RawClient ConnectToBase(string baseDirectory, TimeSpan? timeout = null) =>
        Connect(PerpPaths.ControlSocket(baseDirectory), timeout);

    /// <summary>Writes all bytes; throws if the daemon closed the connection meanwhile.</summary>
    public void Send(ReadOnlySpan<byte> data)
    {
        if (!TrySend(data)) throw new IOException("perpd closed the connection while we wrote");
    }

    /// <summary>Writes all bytes; false if the daemon closed the connection meanwhile.</summary>
    public bool TrySend(ReadOnlySpan<byte> data)
    {
        try
        {
            while (!data.IsEmpty)
            {
                int n = _socket.Send(data, SocketFlags.None);
                data = data[n..];
            }
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    /// <summary>
    /// Reads one reply packet (header, then its payload). Null on EOF, reset or timeout
    /// before a whole packet came.
    /// </summary>
    public byte[]? TryReadPacket()
    {
        var header = new byte[3];
        if (!ReadExactly(header)) return null;
        var packet = new byte[3 + header[2]];
        header.CopyTo(packet, 0);
        return ReadExactly(packet.AsSpan(3)) ? packet : null;
    }

    /// <summary>True when the daemon closed its side (EOF), false on a timeout with the connection open.</summary>
    public bool WaitForClose()
    {
        var b = new byte[64];
        try
        {
            while (true)
                if (_socket.Receive(b) == 0) return true;
        }
        catch (SocketException e)
        {
            return e.SocketErrorCode is SocketError.ConnectionReset;
        }
    }

    public void ShutdownSend()
    {
        try { _socket.Shutdown(SocketShutdown.Send); }
        catch (SocketException) { }
    }

    private bool ReadExactly(Span<byte> buffer)
    {
        try
        {
            while (!buffer.IsEmpty)
            {
                int n = _socket.Receive(buffer, SocketFlags.None);
                if (n == 0) return false;
                buffer = buffer[n..];
            }
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    public void Dispose() => _socket.Dispose();
}
