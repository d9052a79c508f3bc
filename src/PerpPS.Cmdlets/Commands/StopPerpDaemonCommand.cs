using System.Diagnostics;
using System.Management.Automation;
using PerpPS.Cmdlets.Engine;
using PerpPS.Core.Posix;

namespace PerpPS.Cmdlets;

/// <summary>
/// Stop-PerpDaemon: SIGTERM to the pid holding perpd's lock (perphup -t), then waits until it
/// exited (perpd first stops every service and runs their resets). -Force sends SIGKILL when
/// the wait times out, which leaves the services running orphaned. Not running is success.
/// </summary>
[Cmdlet(VerbsLifecycle.Stop, "PerpDaemon", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
[OutputType(typeof(PerpDaemon))]
public sealed class StopPerpDaemonCommand : PerpDaemonCmdlet
{
    /// <summary>Seconds to wait for perpd to exit; 0 waits without limit.</summary>
    [Parameter]
    [ValidateRange(0, int.MaxValue)]
    public int Timeout { get; set; } = 60;

    /// <summary>SIGKILL perpd when it has not exited within -Timeout.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    /// <summary>Emit the (stopped) daemon object.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void ProcessRecord()
    {
        string b = ResolveBase(Base);
        int pid = DaemonControl.Pid(b);
        if (pid == 0)
        {
            if (PassThru) WriteObject(Describe(b));
            return;
        }
        if (!SignalDaemon(b, pid, SignalNames.SIGTERM, "Stop")) return;
        var clock = Stopwatch.StartNew();
        var progress = new ProgressRecord(1, $"Stopping perpd on {b}", $"waiting for pid {pid} to exit");
        while (true)
        {
            // Gone means both: the lock is free and the process has exited (reaped if it was
            // our child from Start-PerpDaemon, else a zombie its parent will reap).
            DaemonLauncher.TryReap(pid);
            if (DaemonControl.Pid(b) != pid && !ProcessInfo.IsAlive(pid)) break;
            if (Timeout > 0 && clock.Elapsed.TotalSeconds >= Timeout)
            {
                if (Force)
                {
                    DaemonControl.Signal(pid, SignalNames.SIGKILL);
                    Force = false;
                    clock.Restart();
                    continue;
                }
                WriteError(new ErrorRecord(new TimeoutException($"perpd (pid {pid}) did not exit within {Timeout} seconds."),
                    ErrorIds.DaemonStopTimeout, ErrorCategory.OperationTimeout, b));
                return;
            }
            if (clock.ElapsedMilliseconds > 1000) WriteProgress(progress);
            if (StopToken.WaitHandle.WaitOne(50)) throw new PipelineStoppedException();
        }
        if (PassThru) WriteObject(Describe(b));
    }
}
