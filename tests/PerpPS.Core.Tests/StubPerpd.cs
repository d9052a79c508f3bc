using System.Collections.Concurrent;
using System.Net.Sockets;
using PerpPS.Core.Client;

namespace PerpPS.Core.Tests;

/// <summary>
/// A perpd stand-in on a real Unix socket: every request packet goes to a handler that writes
/// whatever replies it likes (returning false closes the connection). Requests are recorded.
/// </summary>
internal sealed class StubPerpd : IDisposable
{
    private readonly Socket _listener;
    private readonly Thread _thread;
    private readonly Func<byte[], Socket, bool> _handler;
    private readonly ConcurrentQueue<byte[]> _requests = new();

    public StubPerpd(Func<byte[], Socket, bool> handler)
    {
        Base = Directory.CreateTempSubdirectory("perpps-stub-").FullName;
        Directory.CreateDirectory(Path.Combine(Base, ".control"));
        _handler = handler;
        _listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        _listener.Bind(new UnixDomainSocketEndPoint(PerpPaths.ControlSocket(Base)));
        _listener.Listen(5);
        _thread = new Thread(Serve) { IsBackground = true };
        _thread.Start();
    }

    public string Base { get; }

    public byte[][] Requests => _requests.ToArray();

    /// <summary>The type letters of the requests so far, e.g. "XQ".</summary>
    public string Types => new(Requests.Select(r => (char)r[1]).ToArray());

    /// <summary>A handler for perp 2.07's perpd: Q answered with <paramref name="status"/>, anything new with EPROTO.</summary>
    public static Func<byte[], Socket, bool> V2Only(byte[] statusPacket) => (req, s) =>
    {
        s.Send(req[1] == (byte)'Q' ? statusPacket : Convert.FromHexString("02450447000000"));
        return true;
    };

    private void Serve()
    {
        while (true)
        {
            Socket c;
            try { c = _listener.Accept(); }
            catch (Exception e) when (e is SocketException or ObjectDisposedException) { return; }
            using (c)
            {
                try
                {
                    while (Read(c) is { } request)
                    {
                        _requests.Enqueue(request);
                        if (!_handler(request, c)) break;
                    }
                }
                catch (SocketException) { }
            }
        }
    }

    private static byte[]? Read(Socket c)
    {
        var header = new byte[3];
        if (!Exactly(c, header)) return null;
        var p = new byte[3 + header[2]];
        header.CopyTo(p, 0);
        return Exactly(c, p.AsSpan(3)) ? p : null;
    }

    private static bool Exactly(Socket c, Span<byte> b)
    {
        while (!b.IsEmpty)
        {
            int n = c.Receive(b);
            if (n == 0) return false;
            b = b[n..];
        }
        return true;
    }

    public void Dispose()
    {
        _listener.Dispose();
        _thread.Join(TimeSpan.FromSeconds(5));
        Directory.Delete(Base, recursive: true);
    }
}
