using PerpPS.Core.Posix;
using PerpPS.Core.Protocol;

namespace PerpPS.Cmdlets.Engine;

/// <summary>
/// Builds <see cref="PerpService"/> objects: what the directory says (sticky bit, flag
/// files, rc.log) plus what perpd says in a status reply.
/// </summary>
internal static class ServiceReader
{
    /// <summary>The object for a service directory perpd does not (or not yet) supervise.</summary>
    /// <param name="probeLog">False leaves HasLog false for the caller to fill in (from perpd's
    /// status, or <see cref="HasLogOnDisk"/>): one stat fewer per service in a bulk read.</param>
    /// <param name="hasMode">False: <paramref name="stat"/> holds only the directory's identity
    /// (a listing's entry), so Enabled is read when first looked at; the caller either applies
    /// perpd's status or, where perpd does not know the service, <see cref="ApplyStickyBit"/>.</param>
    public static PerpService FromDisk(string baseDirectory, string name, FileStatus stat, bool probeLog = true, bool hasMode = true)
    {
        var service = new PerpService
        {
            Name = name,
            Base = baseDirectory,
            HasLog = probeLog && HasLogOnDisk(System.IO.Path.Combine(baseDirectory, name)),
            WantDown = true,
        };
        if (hasMode) ApplyStickyBit(service, stat.IsSticky);
        else service.ReadEnabledLater();
        // The flag files are looked at when StartupType is (a listing seldom asks).
        service.ReadStartupTypeLater();
        return service;
    }

    /// <summary>What the sticky bit makes of a service perpd does not supervise: Enabled, and Activating or Inactive.</summary>
    public static void ApplyStickyBit(PerpService service, bool sticky)
    {
        service.Enabled = sticky;
        service.Status = sticky ? PerpServiceStatus.Activating : PerpServiceStatus.Inactive;
        service.Panel = sticky ? "[E --- ---]" : "[- --- ---]";
    }

    /// <summary>An executable rc.log in the service directory: the service has a logger.</summary>
    public static bool HasLogOnDisk(string path) =>
        FileStatus.TryStat(System.IO.Path.Combine(path, "rc.log"), out var rcLog) == 0 && rcLog.IsOwnerExecutable;

    /// <summary>Fills in perpd's status reply, read at <paramref name="now"/> (perp's part; <see cref="ExtendedFields"/> the rest).</summary>
    public static void ApplyStatus(PerpService service, in ExtendedStatus status, Tai64N now)
    {
        service.Extended = status;
        Fill(service, status, now);
    }

    /// <summary>The same for row <paramref name="row"/> of a bulk read's <paramref name="table"/>, which the object keeps instead of a copy.</summary>
    public static void ApplyStatus(PerpService service, StatusTable table, int row, Tai64N now)
    {
        service.KeepStatus(table, row);
        Fill(service, table[row], now);
    }

    private static void Fill(PerpService service, in ExtendedStatus status, Tai64N now)
    {
        var record = status.Status;
        var main = SubserviceView.Of(record.Main, now);
        bool cull = (record.Flags & ServiceFlags.Cull) != 0;
        bool cycle = (record.Flags & ServiceFlags.Cycle) != 0;
        service.Status = cull ? (cycle ? PerpServiceStatus.Reactivating : PerpServiceStatus.Deactivating) : main.Status;
        service.Pid = (int)record.Main.Pid;
        service.Uptime = record.Main.Pid != 0 ? TimeSpan.FromSeconds(main.Age) : null;
        service.StartTime = record.Main.Pid != 0 ? record.Main.When.ToDateTime()?.ToLocalTime() : null;
        service.WantDown = record.Main.WantsDown;
        service.Once = record.Main.IsOnce;
        service.Paused = record.Main.IsPaused;
        service.HasLog = record.HasLog;
        service.DownAtActivation = (record.Flags & ServiceFlags.Down) != 0;
        service.OnceAtActivation = (record.Flags & ServiceFlags.Once) != 0;
        service.ActivationTime = record.Activated.ToDateTime()?.ToLocalTime();
        service.DaemonPid = (int)record.DaemonPid;
        var logPanel = SubservicePanel.None;
        if (record.HasLog)
        {
            var log = SubserviceView.Of(record.Log, now);
            logPanel = log.Panel;
            service.Log = new PerpLogService
            {
                Status = log.Status,
                Pid = (int)record.Log.Pid,
                Uptime = record.Log.Pid != 0 ? TimeSpan.FromSeconds(log.Age) : null,
                StartTime = record.Log.Pid != 0 ? record.Log.When.ToDateTime()?.ToLocalTime() : null,
                WantDown = record.Log.WantsDown,
                Paused = record.Log.IsPaused,
            };
        }
        else
        {
            service.Log = null;
        }
        // perpls's panel, shared by the services that show the same one.
        service.Panel = SubservicePanel.Text(SubservicePanel.ServiceState(record.Flags), main.Panel, logPanel);
    }

    /// <summary>The startup type the flag files on disk give (flag.down wins, spec §1.3).</summary>
    public static PerpStartupType StartupTypeOf(string path) =>
        FileStatus.TryStat(System.IO.Path.Combine(path, "flag.down"), out _) == 0 ? PerpStartupType.Manual
        : FileStatus.TryStat(System.IO.Path.Combine(path, "flag.once"), out _) == 0 ? PerpStartupType.Once
        : PerpStartupType.Automatic;
}
