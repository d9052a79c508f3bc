using System.Net.Sockets;
using System.Text;

namespace PerpPS.Runtools.Tests;

/// <summary>
/// sissylog against a real datagram socket at /dev/log (made by the test when the machine
/// has no syslog daemon there; otherwise only the exit path is checked).
/// </summary>
public sealed class SissylogTests
{
    [Fact]
    public void Sends_each_line_with_its_priority_and_splits_long_lines()
    {
        const string devLog = "/dev/log";
        if (File.Exists(devLog) || Directory.Exists(devLog) || new FileInfo(devLog).LinkTarget != null)
        {
            var r = Bin.Run("sissylog", new[] { "perpps-test" }, stdin: "hello\n");
            Assert.Equal(0, r.ExitCode);
            return;
        }
        using var socket = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        socket.Bind(new UnixDomainSocketEndPoint(devLog));
        try
        {
            string input = "plain\nerror: broken\nwarning: odd\n\nctl\u0001é\n" + new string('x', 900) + "\n";
            var r = Bin.Run("sissylog", new[] { "myident", "LOG_USER" }, stdin: input);
            Assert.Equal(0, r.ExitCode);

            var got = new List<string>();
            socket.ReceiveTimeout = 2000;
            var buffer = new byte[4096];
            while (socket.Available > 0 || got.Count < 8)
            {
                int n;
                try { n = socket.Receive(buffer); }
                catch (SocketException) { break; }
                got.Add(Encoding.UTF8.GetString(buffer, 0, n));
            }
            // <PRI>: facility LOG_USER (8) + level.
            Assert.Equal(8, got.Count);
            Assert.StartsWith("<14>", got[0]);
            Assert.EndsWith("myident: sissylog: logging from stdin ...", got[0]);
            Assert.StartsWith("<14>", got[1]); Assert.EndsWith("myident: plain", got[1]);
            Assert.StartsWith("<11>", got[2]); Assert.EndsWith("myident: error: broken", got[2]);
            Assert.StartsWith("<12>", got[3]); Assert.EndsWith("myident: warning: odd", got[3]);
            Assert.EndsWith("myident: ctl?é", got[4]);
            Assert.EndsWith("myident: " + new string('x', 800), got[5]);
            Assert.EndsWith("myident: +" + new string('x', 100), got[6]);
            Assert.EndsWith("myident: sissylog: terminating normally on eof reading stdin", got[7]);
        }
        finally
        {
            File.Delete(devLog);
        }
    }
}
