using System.Runtime.InteropServices;
using PerpPS.Core.Cli;
using PerpPS.Core.Client;
using PerpPS.Core.Posix;
using PerpPS.Tools.Io;

namespace PerpPS.Tools.Common;

/// <summary>
/// Connecting a client tool to perpd, with perp's two fatal messages (spec §6.3, §14.4):
/// ECONNREFUSED means "perpd not running" (a stale socket), anything else is a failure to
/// connect (ENOENT: no socket at all). Both exit 111.
/// </summary>
internal static class DaemonConnection
{
    /// <summary>
    /// How long one request/reply may take. perp's clients block forever; a hung daemon
    /// should not hang a cron job forever, so PerpPS gives up after this long and reports
    /// the read or write error (EAGAIN) the way perp reports any I/O error.
    /// </summary>
    public static readonly TimeSpan ExchangeTimeout = TimeSpan.FromSeconds(30);

    /// <summary>Connects; on failure prints the fatal message and throws <see cref="ToolExit"/>.</summary>
    public static ControlClient Open(ToolContext tool, BaseDirectory baseDirectory)
    {
        try
        {
            return ControlClient.Connect(BaseDirectory.SocketFromBase, ExchangeTimeout);
        }
        catch (ControlException e)
        {
            Line text = e.Errno == Errno.ECONNREFUSED
                ? new Line().S("perpd not running on control socket ")
                : new Line().S("failure connecting to perpd control socket ");
            throw tool.FatalSys(e.Errno, text.B(baseDirectory.SocketDisplay().Span));
        }
    }

    /// <summary>
    /// perpd's pid from the lock on its pid file (never the file's contents), 0 when no lock
    /// is held or there is no pid file; other failures are perp's "failure checking lock".
    /// </summary>
    public static int LockHolder(ToolContext tool, BaseDirectory baseDirectory)
    {
        try
        {
            return LockProbe.HolderPid(BaseDirectory.PidFileFromBase);
        }
        catch (PosixException e) when (e.Errno == Errno.ENOENT)
        {
            return 0;
        }
        catch (PosixException e)
        {
            throw tool.FatalSys(e.Errno, new Line().S("failure checking lock on ").B(baseDirectory.PidFileDisplay().Span));
        }
    }

    /// <summary>
    /// Sends <paramref name="signal"/> to perpd found by its lock, with perp's messages:
    /// "perpd not running on B: no lock active on B/.control/perpd.pid" (111) when none.
    /// </summary>
    public static void Signal(ToolContext tool, BaseDirectory baseDirectory, int signal, string signalName)
    {
        int pid = LockHolder(tool, baseDirectory);
        if (pid == 0)
            throw tool.Fatal(ExitCode.Fatal, new Line().S("perpd not running on ").B(baseDirectory.Given)
                .S(": no lock active on ").B(baseDirectory.PidFileDisplay().Span));
        if (PerpPS.Core.Interop.Libc.Kill(pid, signal) != 0)
            throw tool.FatalSys(Marshal.GetLastPInvokeError(), new Line().S("failure kill() on " + signalName + " to perpd pid ")
                .N((ulong)pid).S("running on ").B(baseDirectory.Given));
    }
}
