using System.Diagnostics;
using System.Management.Automation;
using PerpPS.Cmdlets.Engine;
using PerpPS.Core.Client;
using PerpPS.Core.Posix;

namespace PerpPS.Cmdlets;

/// <summary>
/// Restart-PerpDaemon: the in-place upgrade. SIGUSR2 to the pid holding perpd's lock makes
/// perpd re-execute its program (the path it was started from, so an installed new version
/// runs) in the same process: its pid, every service's pids and the log pipes stay. Done when
/// the new image answers on a freshly bound control socket (another inode than before) with
/// the lock still held by the same pid. perpd refuses while a service is being deactivated
/// (its log says so): the wait then times out with PerpDaemonRestartTimeout.
/// </summary>
[Cmdlet(VerbsLifecycle.Restart, "PerpDaemon", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(PerpDaemon))]
public sealed class RestartPerpDaemonCommand : PerpDaemonCmdlet
{
    /// <summary>Seconds to wait for the new image to answer; 0 waits without limit.</summary>
    [Parameter]
    [ValidateRange(0, int.MaxValue)]
    public int Timeout { get; set; } = 30;

    /// <summary>Emit the daemon object after the restart.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void ProcessRecord()
    {
        string b = ResolveBase(Base);
        int pid = DaemonControl.Pid(b);
        if (pid == 0)
        {
            WriteError(NotRunning(b));
            return;
        }
        string socket = PerpPaths.Join(b, PerpPaths.ControlDirectory + "/perpd.sock");
        var before = SocketIdentity(socket);
        if (!SignalDaemon(b, pid, SignalNames.SIGUSR2, "Restart (re-execute in place)")) return;
        var clock = Stopwatch.StartNew();
        var progress = new ProgressRecord(1, $"Restarting perpd on {b}", $"waiting for pid {pid} to serve again");
        while (!Serving(b, socket, before))
        {
            if (DaemonControl.Pid(b) != pid && !ProcessInfo.IsAlive(pid))
            {
                WriteError(new ErrorRecord(new InvalidOperationException($"perpd (pid {pid}) exited during its restart; see its log."),
                    ErrorIds.DaemonRestartFailed, ErrorCategory.InvalidResult, b));
                return;
            }
            if (Timeout > 0 && clock.Elapsed.TotalSeconds >= Timeout)
            {
                WriteError(new ErrorRecord(new TimeoutException(
                    $"perpd (pid {pid}) did not serve from a re-executed image within {Timeout} seconds (it refuses while a service is being deactivated; see its log)."),
                    ErrorIds.DaemonRestartTimeout, ErrorCategory.OperationTimeout, b));
                return;
            }
            if (clock.ElapsedMilliseconds > 1000) WriteProgress(progress);
            if (StopToken.WaitHandle.WaitOne(50)) throw new PipelineStoppedException();
        }
        if (PassThru) WriteObject(Describe(b));
    }

    /// <summary>
    /// The socket file's inode and modification time: a socket bound anew may get the freed
    /// inode number again, but not the same time as well.
    /// </summary>
    private static (ulong Inode, DateTime Modified) SocketIdentity(string socket) =>
        FileStatus.TryStat(socket, out var st) == 0 ? (st.Id.Inode, File.GetLastWriteTimeUtc(socket)) : default;

    /// <summary>The socket was bound anew (the re-executed image binds its own) and answers.</summary>
    private static bool Serving(string baseDirectory, string socket, (ulong, DateTime) before)
    {
        var now = SocketIdentity(socket);
        if (now == default || now == before) return false;
        try
        {
            using var client = ControlClient.ConnectToBase(baseDirectory, TimeSpan.FromSeconds(2));
            return true;
        }
        catch (ControlException)
        {
            return false;
        }
    }
}
