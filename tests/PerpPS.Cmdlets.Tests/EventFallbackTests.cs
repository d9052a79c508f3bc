using System.Net.Sockets;
using PerpPS.Core.Client;

namespace PerpPS.Cmdlets.Tests;

/// <summary>
/// The module against a perpd without the protocol extension: the real perpd behind a proxy
/// that passes perp 2.07's Q and C packets through and answers every other type EPROTO, as
/// perp 2.07's perpd does. Extended fields are $null, waits poll, Watch-PerpService is a
/// clear terminating error.
/// </summary>
public class EventFallbackTests(SessionFixture fixture) : IClassFixture<SessionFixture>
{
    private readonly PowerShellSession _ps = fixture.Session;

    private static bool DaemonHasExtension(string b)
    {
        using var sub = EventSubscription.Open(b);
        return sub != null;
    }

    [Fact]
    public void Without_the_extension_the_exit_fields_are_null_and_Watch_is_refused_by_id()
    {
        using var pb = new PerpBase(p => p.Sleeper("web"));
        using var proxy = new V2OnlyProxy(pb.Path);
        Assert.False(DaemonHasExtension(pb.Path), "the proxy hides the extension");
        _ps.WaitServiceStatus(pb.Path, "web", PerpServiceStatus.Up);
        var s = _ps.GetService(pb.Path, "web");
        Assert.Null(s.LastExitCode);
        Assert.Null(s.LastSignal);
        Assert.Null(s.LastExitTime);
        Assert.Null(s.Restarts);
        Assert.Null(s.StartFailures);
        var r = _ps.Invoke("Watch-PerpService -Base $args[0] -Timeout 1", pb.Path);
        // A terminating error of a cmdlet in a script: statement-terminating, so it lands in the error stream.
        string id = r.Terminating?.ErrorRecord.FullyQualifiedErrorId ?? Assert.Single(r.Errors).FullyQualifiedErrorId;
        Assert.Equal("PerpEventsNotSupported,PerpPS.Cmdlets.WatchPerpServiceCommand", id);
        // Waits still work by polling.
        var stopped = _ps.Invoke("Stop-PerpService -Base $args[0] web -PassThru", pb.Path).ThrowOnError().Single<PerpService>();
        Assert.Equal(PerpServiceStatus.Down, stopped.Status);
    }

    [Fact]
    public void Without_the_extension_Once_changes_a_running_service_by_o_and_u_and_refuses_a_stopped_one()
    {
        using var pb = new PerpBase(p => { p.Sleeper("web"); p.Sleeper("standby", down: true); });
        using var proxy = new V2OnlyProxy(pb.Path);
        _ps.WaitServiceStatus(pb.Path, "web", PerpServiceStatus.Up);
        Assert.True(_ps.Invoke("Set-PerpService -Base $args[0] web -Once -PassThru", pb.Path).ThrowOnError().Single<PerpService>().Once);
        Assert.False(_ps.Invoke("Set-PerpService -Base $args[0] web -Once:$false -PassThru", pb.Path).ThrowOnError().Single<PerpService>().Once);
        // perp 2.07's o would start the stopped service: refused by id, and it stays down.
        var r = _ps.Invoke("Set-PerpService -Base $args[0] standby -Once", pb.Path);
        Assert.Equal("PerpOnceNotSupported,PerpPS.Cmdlets.SetPerpServiceCommand", Assert.Single(r.Errors).FullyQualifiedErrorId);
        Assert.Equal(PerpServiceStatus.Down, _ps.GetService(pb.Path, "standby").Status);
    }

    /// <summary>
    /// Moves perpd's listening socket aside (a bound socket keeps working under its new name)
    /// and listens in its place: Q and C go through to perpd, one reply each; anything else
    /// is answered EPROTO on a connection that stays open.
    /// </summary>
    private sealed class V2OnlyProxy : IDisposable
    {
        private static readonly byte[] Eproto = [2, (byte)'E', 4, 71, 0, 0, 0];
        private readonly Socket _listener;
        private readonly string _real;

        public V2OnlyProxy(string baseDirectory)
        {
            string control = Path.Combine(baseDirectory, ".control");
            string socket = Path.Combine(control, "perpd.sock");
            _real = Path.Combine(control, "perpd.real.sock");
            File.Move(socket, _real);
            _listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            _listener.Bind(new UnixDomainSocketEndPoint(socket));
            _listener.Listen(16);
            new Thread(Accept) { IsBackground = true, Name = "v2-only proxy" }.Start();
        }

        private void Accept()
        {
            while (true)
            {
                Socket client;
                try { client = _listener.Accept(); }
                catch (Exception e) when (e is SocketException or ObjectDisposedException) { return; }
                new Thread(() => Serve(client)) { IsBackground = true }.Start();
            }
        }

        private void Serve(Socket client)
        {
            using (client)
            using (var perpd = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified))
            {
                try
                {
                    perpd.Connect(new UnixDomainSocketEndPoint(_real));
                    while (ReadPacket(client) is { } request)
                    {
                        if (request[0] != 2 || request[1] is not ((byte)'Q' or (byte)'C'))
                        {
                            client.Send(Eproto);
                            continue;
                        }
                        perpd.Send(request);
                        if (ReadPacket(perpd) is not { } reply) return;
                        client.Send(reply);
                    }
                }
                catch (Exception e) when (e is SocketException or ObjectDisposedException) { }
            }
        }

        /// <summary>One v2 packet (3-byte header, then its length byte's payload), or null at EOF.</summary>
        private static byte[]? ReadPacket(Socket s)
        {
            var head = new byte[3];
            if (!Fill(s, head, 0)) return null;
            var packet = new byte[3 + head[2]];
            head.CopyTo(packet, 0);
            return Fill(s, packet, 3) ? packet : null;
        }

        private static bool Fill(Socket s, byte[] buffer, int from)
        {
            for (int got = from; got < buffer.Length;)
            {
                int n = s.Receive(buffer, got, buffer.Length - got, SocketFlags.None);
                if (n == 0) return false;
                got += n;
            }
            return true;
        }

        public void Dispose() => _listener.Dispose();
    }
}
