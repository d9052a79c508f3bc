using System.Net.Sockets;
using PerpPS.Core.Client;
using PerpPS.Core.Posix;
using PerpPS.Core.Protocol;

namespace PerpPS.Core.Tests;

/// <summary>The client against real Unix sockets: a listener in the test plays perpd's part.</summary>
public sealed class ControlClientTests : IDisposable
{
    private readonly string _base = Directory.CreateTempSubdirectory("perpps-client-").FullName;
    private string SocketPath => PerpPaths.ControlSocket(_base);

    public ControlClientTests() => Directory.CreateDirectory(Path.Combine(_base, ".control"));

    private Socket Listen()
    {
        var s = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        s.Bind(new UnixDomainSocketEndPoint(SocketPath));
        s.Listen(1);
        return s;
    }

    [Fact]
    public void No_socket_file_is_ENOENT_with_perps_wording()
    {
        var e = Assert.Throws<ControlException>(() => ControlClient.ConnectToBase(_base));
        Assert.Equal(ControlStage.Connect, e.Stage);
        Assert.Equal(Errno.ENOENT, e.Errno);
        Assert.True(e.DaemonNotRunning);
        Assert.Equal($"failure connecting to perpd control socket {SocketPath}: file does not exist (ENOENT)", e.Message);
    }

    [Fact]
    public void Stale_socket_file_is_ECONNREFUSED()
    {
        // A socket file nobody listens on. .NET unlinks a listener's path when disposing it,
        // so move the file aside for the dispose and back afterwards.
        string aside = SocketPath + ".aside";
        using (Listen()) File.Move(SocketPath, aside);
        File.Move(aside, SocketPath);
        var e = Assert.Throws<ControlException>(() => ControlClient.ConnectToBase(_base));
        Assert.Equal(Errno.ECONNREFUSED, e.Errno);
        Assert.Equal($"perpd not running on control socket {SocketPath}: connection refused (ECONNREFUSED)", e.Message);
    }

    [Fact]
    public void Too_long_a_socket_path_is_ENAMETOOLONG()
    {
        var e = Assert.Throws<ControlException>(() => ControlClient.Connect("/" + new string('x', 120)));
        Assert.Equal(Errno.ENAMETOOLONG, e.Errno);
    }

    [Fact]
    public async Task Query_sends_perps_bytes_and_reads_a_reply_that_arrives_in_pieces()
    {
        using var listener = Listen();
        var id = new ServiceId(0xfe, 0xb1e543);
        var server = Task.Run(() =>
        {
            using var conn = listener.Accept();
            var request = new byte[19];
            int got = 0;
            while (got < request.Length) got += conn.Receive(request, got, request.Length - got, SocketFlags.None);
            // Answer E ENOTDIR one byte at a time: the client must reassemble it.
            foreach (byte b in Convert.FromHexString("02450414000000"))
            {
                conn.Send(new[] { b });
                Thread.Sleep(2);
            }
            return request;
        });
        using var client = ControlClient.ConnectToBase(_base, TimeSpan.FromSeconds(5));
        var reply = client.Query(id);
        Assert.Equal(Convert.FromHexString("025110fe0000000000000043e5b10000000000"), await server);
        Assert.Equal(ReplyKind.Error, reply.Kind);
        Assert.Equal(Errno.ENOTDIR, reply.Errno);
    }

    [Fact]
    public async Task A_reply_cut_short_by_eof_is_an_unknown_packet_type()
    {
        using var listener = Listen();
        var server = Task.Run(() =>
        {
            using var conn = listener.Accept();
            var request = new byte[21];
            int got = 0;
            while (got < request.Length) got += conn.Receive(request, got, request.Length - got, SocketFlags.None);
            conn.Send(new byte[] { 2, (byte)'E' });
            conn.Shutdown(SocketShutdown.Both);
        });
        using var client = ControlClient.ConnectToBase(_base, TimeSpan.FromSeconds(5));
        var reply = client.Command(new ServiceId(1, 2), ControlCommand.Up);
        await server;
        Assert.Equal(ReplyKind.BadType, reply.Kind);
    }

    [Fact]
    public void A_silent_daemon_times_out_as_a_read_error()
    {
        using var listener = Listen();
        using var client = ControlClient.ConnectToBase(_base, TimeSpan.FromMilliseconds(200));
        using var accepted = listener.Accept();
        var e = Assert.Throws<ControlException>(() => client.Query(new ServiceId(1, 2)));
        Assert.Equal(ControlStage.Read, e.Stage);
        Assert.Equal(Errno.EAGAIN, e.Errno);
    }

    public void Dispose() => Directory.Delete(_base, recursive: true);
}
