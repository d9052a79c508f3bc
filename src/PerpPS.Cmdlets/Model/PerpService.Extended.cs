namespace PerpPS.Cmdlets;

/// <summary>
/// How main's last run ended and how often it restarted, from perpd's extended status
/// (docs/protocol-extensions.md). Against perp 2.07's perpd, which has no extended status,
/// every one of these is $null: "not available", never a made-up 0.
/// </summary>
public sealed partial class PerpService : IRunHistory, Engine.IUsageSource
{
    /// <summary>How the last run of main ended (None: no run ended since activation); null when perpd cannot say.</summary>
    public PerpExitKind? LastExitKind { get; set; }
    /// <summary>The exit code of main's last run (111 for a runscript that could not be executed); null when it was killed, none ended, or not available.</summary>
    public int? LastExitCode { get; set; }
    /// <summary>The signal number that killed main's last run; null when it exited, none ended, or not available.</summary>
    public int? LastSignal { get; set; }
    /// <summary>When main's last run ended (local time); null when none ended or not available.</summary>
    public DateTime? LastExitTime { get; set; }
    /// <summary>How long main's last run lasted; null when none ended or not available.</summary>
    public TimeSpan? LastRunTime { get; set; }
    /// <summary>Automatic restarts of main since activation; null when not available.</summary>
    public int? Restarts { get; set; }
    /// <summary>Consecutive runs of main that could not be executed or ended within a second; null when not available.</summary>
    public int? StartFailures { get; set; }
    private Engine.LazyFigure<int?> _processCount;
    private Engine.LazyFigure<TimeSpan?> _cpuTime;

    /// <summary>
    /// Processes in main's cgroup (rc.main, its children and what they left behind); null unless perpd contains services in cgroups.
    /// Get-PerpService's objects read it when it (or CpuTime, or the logger's) is first looked at, from one answer (Engine.UsageBatch, through the read's Engine.StatusTable).
    /// </summary>
    public int? ProcessCount { get => _processCount.Get(static u => u.Main.ProcessCount); set => _processCount.Set(value); }

    /// <summary>CPU time used in main's cgroup since it was made (reaped processes included); null unless perpd contains services in cgroups. Read as ProcessCount.</summary>
    public TimeSpan? CpuTime { get => _cpuTime.Get(static u => u.Main.CpuTime); set => _cpuTime.Set(value); }

    /// <summary>ProcessCount and CpuTime (main's and the logger's) are to be read through this object's <see cref="Engine.StatusTable"/> when first looked at.</summary>
    internal void ReadUsageLater()
    {
        _processCount.ReadLater(this);
        _cpuTime.ReadLater(this);
        Log?.ReadUsageLater(this);
    }

    Engine.CgroupUsage Engine.IUsageSource.Main => UsageNow().Main;

    Engine.CgroupUsage Engine.IUsageSource.Log => UsageNow().Log;

    private (Engine.CgroupUsage Main, Engine.CgroupUsage Log) UsageNow() =>
        _status is { Usage: { } usage } table ? usage.Get(table[_statusRow].Id) : default;

    /// <summary>The extended status this object was built from (not serialized: internal); a copy of its row.</summary>
    internal PerpPS.Core.Protocol.ExtendedStatus? Extended
    {
        get => _status is { } table ? table[_statusRow] : null;
        set => (_status, _statusRow) = (value is { } v ? Engine.StatusTable.Of(v) : null, 0);
    }

    // The status as a row of its read's table (Get-PerpService: one table for all its objects, issue #13).
    private Engine.StatusTable? _status;
    private int _statusRow;

    /// <summary>This object's status is row <paramref name="row"/> of <paramref name="table"/>.</summary>
    internal void KeepStatus(Engine.StatusTable table, int row) => (_status, _statusRow) = (table, row);
}

/// <summary>The same figures for the logger (rc.log).</summary>
public sealed partial class PerpLogService : IRunHistory
{
    /// <summary>How the logger's last run ended; null when not available.</summary>
    public PerpExitKind? LastExitKind { get; set; }
    /// <summary>The exit code of the logger's last run; null when killed, none ended, or not available.</summary>
    public int? LastExitCode { get; set; }
    /// <summary>The signal that killed the logger's last run; null otherwise.</summary>
    public int? LastSignal { get; set; }
    /// <summary>When the logger's last run ended (local time); null when none ended or not available.</summary>
    public DateTime? LastExitTime { get; set; }
    /// <summary>How long the logger's last run lasted; null when none ended or not available.</summary>
    public TimeSpan? LastRunTime { get; set; }
    /// <summary>Automatic restarts of the logger since activation; null when not available.</summary>
    public int? Restarts { get; set; }
    /// <summary>Consecutive failed starts of the logger; null when not available.</summary>
    public int? StartFailures { get; set; }
    private Engine.LazyFigure<int?> _processCount;
    private Engine.LazyFigure<TimeSpan?> _cpuTime;

    /// <summary>Processes in the logger's cgroup; null unless perpd contains services in cgroups. Read when first looked at, as main's.</summary>
    public int? ProcessCount { get => _processCount.Get(static u => u.Log.ProcessCount); set => _processCount.Set(value); }

    /// <summary>CPU time used in the logger's cgroup; null unless perpd contains services in cgroups. Read when first looked at, as main's.</summary>
    public TimeSpan? CpuTime { get => _cpuTime.Get(static u => u.Log.CpuTime); set => _cpuTime.Set(value); }

    /// <summary>ProcessCount and CpuTime are to be read through main's object (<paramref name="usage"/>) when first looked at.</summary>
    internal void ReadUsageLater(Engine.IUsageSource usage)
    {
        _processCount.ReadLater(usage);
        _cpuTime.ReadLater(usage);
    }
}

/// <summary>
/// The run figures main's object and the logger's both carry, so that one piece of code
/// (ExtendedFields) fills either. Internal: PowerShell sees only the two public classes.
/// </summary>
internal interface IRunHistory
{
    PerpExitKind? LastExitKind { get; set; }
    int? LastExitCode { get; set; }
    int? LastSignal { get; set; }
    DateTime? LastExitTime { get; set; }
    TimeSpan? LastRunTime { get; set; }
    int? Restarts { get; set; }
    int? StartFailures { get; set; }
}

/// <summary>How a run ended (the protocol's exit kind). The long base type makes ConvertTo-Json write the name.</summary>
public enum PerpExitKind : long
{
    /// <summary>No run has ended since activation.</summary>
    None = 0,
    /// <summary>The run exited; LastExitCode is its code.</summary>
    Exited = 1,
    /// <summary>A signal killed the run; LastSignal is its number.</summary>
    Killed = 2,
    /// <summary>A signal killed the run and it dumped core.</summary>
    Dumped = 3,
    /// <summary>The runscript could not be executed (perp's exit 111).</summary>
    ExecFailed = 4,
    /// <summary>The run ended but perpd could not learn how.</summary>
    Unknown = 5,
}
