using System.Management.Automation;
using PerpPS.Cmdlets.Engine;
using PerpPS.Core.Client;
using PerpPS.Core.Posix;
using PerpPS.Core.Protocol;

namespace PerpPS.Cmdlets;

/// <summary>What the perpd cmdlets share: -Base and reading a <see cref="PerpDaemon"/>.</summary>
public abstract class PerpDaemonCmdlet : PerpCmdlet
{
    /// <summary>The perp base (default: $env:PERP_BASE, else /etc/perp).</summary>
    [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string? Base { get; set; }

    /// <summary>
    /// perpd on a base: its pid from the lock, its start time from any status reply (else
    /// /proc), and the number of sticky directories it answers for.
    /// </summary>
    internal static PerpDaemon Describe(string baseDirectory, string? logPath = null)
    {
        var daemon = new PerpDaemon { Base = baseDirectory, LogPath = logPath };
        int pid = DaemonControl.Pid(baseDirectory);
        if (pid == 0) return daemon;
        daemon.Running = true;
        daemon.Pid = pid;
        Tai64N? started = null;
        try
        {
            using var client = ControlClient.ConnectToBase(baseDirectory, TimeSpan.FromSeconds(5));
            foreach (string name in ServiceCatalog.Names(baseDirectory))
            {
                if (FileStatus.TryStat(Path.Combine(baseDirectory, name), out var stat) != 0) continue;
                var reply = client.Query(stat.Id);
                if (reply.Kind != ReplyKind.Status) continue;
                daemon.ServiceCount++;
                started ??= reply.Status.DaemonStarted;
            }
        }
        catch (ControlException)
        {
            // Listening stopped (shutting down) or not yet: the lock is what says it runs.
        }
        DateTime? startUtc = started?.ToDateTime() ?? ProcessInfo.StartTime(pid);
        if (startUtc is { } s)
        {
            daemon.StartTime = s.ToLocalTime();
            daemon.Uptime = TimeSpan.FromSeconds(Math.Max(0, Math.Round((DateTime.UtcNow - s).TotalSeconds)));
        }
        return daemon;
    }

    /// <summary>PerpDaemonNotRunning for a cmdlet that needs perpd running on <paramref name="baseDirectory"/>.</summary>
    protected static ErrorRecord NotRunning(string baseDirectory) => new(
        new InvalidOperationException($"perpd is not running on {baseDirectory}: no lock active on {PerpPaths.PidFile(baseDirectory)}"),
        ErrorIds.DaemonNotRunning, ErrorCategory.ResourceUnavailable, baseDirectory);

    /// <summary>
    /// One ShouldProcess for <paramref name="action"/> on perpd, then <paramref name="signal"/>
    /// to it. False when declined or when the signal failed (that ErrorRecord already written).
    /// </summary>
    protected bool SignalDaemon(string baseDirectory, int pid, int signal, string action)
    {
        if (!ShouldProcess($"perpd (pid {pid}) on {baseDirectory}", action)) return false;
        try
        {
            DaemonControl.Signal(pid, signal);
            return true;
        }
        catch (PosixException e)
        {
            WriteError(new ErrorRecord(e, ErrorIds.DaemonSignalFailed, ErrorCategory.PermissionDenied, baseDirectory));
            return false;
        }
    }

    /// <summary>The log file Start-PerpDaemon uses by default: BASE/.control/perpd.log.</summary>
    internal static string DefaultLogPath(string baseDirectory) => PerpPaths.Join(baseDirectory, PerpPaths.ControlDirectory + "/perpd.log");
}
