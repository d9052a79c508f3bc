using System.Collections.Concurrent;
using System.Net.Sockets;

namespace PerpPS.Tools.Tests;

/// <summary>
/// A stand-in for perpd on a real Unix socket at BASE/.control/perpd.sock: it records every
/// request packet a tool sends and answers each with the next scripted reply (null closes
/// the connection without answering). Lets the tests pin the bytes on the wire and the
/// tools' handling of replies perpd rarely gives, independently of our perpd.
/// It speaks only v2, as perp 2.07's perpd: a request of any other type (the PerpPS
/// protocol extension) is answered E EPROTO without using a scripted reply, and recorded in
/// <see cref="ExtensionRequests"/> instead of <see cref="Requests"/>.
/// </summary>
internal sealed class ScriptedDaemon : IDisposable
{
    private readonly Socket _listener;
    private readonly Thread _thread;
    private readonly ConcurrentQueue<byte[]?> _replies;
    private readonly ConcurrentQueue<byte[]> _requests = new();
    private readonly ConcurrentQueue<byte[]> _extensionRequests = new();
    private static readonly byte[] Eproto = [2, (byte)'E', 4, 71, 0, 0, 0];
    private volatile bool _stopping;

    public ScriptedDaemon(string baseDirectory, params byte[]?[] replies)
    {
        string control = Path.Combine(baseDirectory, ".control");
        Directory.CreateDirectory(control);
        SocketPath = Path.Combine(control, "perpd.sock");
        _replies = new ConcurrentQueue<byte[]?>(replies);
        _listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        _listener.Bind(new UnixDomainSocketEndPoint(SocketPath));
        _listener.Listen(5);
        _thread = new Thread(Serve) { IsBackground = true, Name = "scripted perpd" };
        _thread.Start();
    }

    public string SocketPath { get; }

    /// <summary>Every request received so far, in order.</summary>
    public byte[][] Requests => _requests.ToArray();

    /// <summary>Every request of a type perp 2.07 does not know (answered EPROTO).</summary>
    public byte[][] ExtensionRequests => _extensionRequests.ToArray();

    private void Serve()
    {
        while (!_stopping)
        {
            Socket client;
            try
            {
                client = _listener.Accept();
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
                return;
            }
            using (client)
            {
                try
                {
                    while (ReadPacket(client) is { } request)
                    {
                        if (request[1] is not ((byte)'Q' or (byte)'C' or (byte)'Y'))
                        {
                            _extensionRequests.Enqueue(request);
                            client.Send(Eproto);
                            continue;
                        }
                        _requests.Enqueue(request);
                        if (!_replies.TryDequeue(out byte[]? reply) || reply == null) break;
                        client.Send(reply);
                    }
                }
                catch (SocketException)
                {
                }
            }
        }
    }

    private static byte[]? ReadPacket(Socket client)
    {
        var header = new byte[3];
        if (!ReadExactly(client, header)) return null;
        var packet = new byte[3 + header[2]];
        header.CopyTo(packet, 0);
        return ReadExactly(client, packet.AsSpan(3)) ? packet : null;
    }

    private static bool ReadExactly(Socket client, Span<byte> buffer)
    {
        while (!buffer.IsEmpty)
        {
            int n = client.Receive(buffer);
            if (n == 0) return false;
            buffer = buffer[n..];
        }
        return true;
    }

    public void Dispose()
    {
        _stopping = true;
        _listener.Dispose();
        _thread.Join(TimeSpan.FromSeconds(5));
    }
}
