using System.Net.Sockets;
using PerpPS.Core.Client;

namespace PerpPS.Daemon.Tests;

/// <summary>A bare client socket, for sending what perp's clients never would.</summary>
internal sealed class RawSocket : IDisposable
{
    private readonly Socket _socket = new(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);

    public RawSocket(string baseDirectory)
    {
        _socket.ReceiveTimeout = 10_000;
        _socket.Connect(new UnixDomainSocketEndPoint(PerpPaths.ControlSocket(baseDirectory)));
    }

    public void Send(byte[] bytes) => _socket.Send(bytes);

    /// <summary>Reads one reply packet; null at EOF.</summary>
    public byte[]? Receive()
    {
        var buffer = new byte[300];
        int got = 0;
        while (got < 3 || got < 3 + buffer[2])
        {
            int n = _socket.Receive(buffer, got, buffer.Length - got, SocketFlags.None);
            if (n == 0) return got == 0 ? null : buffer[..got];
            got += n;
        }
        return buffer[..got];
    }

    /// <summary>True when perpd closed the connection (EOF) within the timeout.</summary>
    public bool ClosedByPeer()
    {
        var buffer = new byte[16];
        try { return _socket.Receive(buffer) == 0; }
        catch (SocketException) { return true; }
    }

    public void Dispose() => _socket.Dispose();
}
