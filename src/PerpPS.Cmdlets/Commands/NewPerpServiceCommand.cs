using System.Management.Automation;
using PerpPS.Cmdlets.Engine;
using PerpPS.Core.Posix;

namespace PerpPS.Cmdlets;

/// <summary>
/// New-PerpService: creates a service directory with an rc.main that execs -Command and, by
/// default, an rc.log that runs tinylog into the directory "log" inside the service
/// directory (Get-PerpLog reads it). The service is created inactive unless -Enable; -Down
/// and -Once write flag.down / flag.once.
/// </summary>
[Cmdlet(VerbsCommon.New, "PerpService", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(PerpService))]
public sealed partial class NewPerpServiceCommand : PerpCmdlet
{
    /// <summary>The directory name of the new service (no '/', not starting with '.').</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    [Alias("ServiceName")]
    public string Name { get; set; } = "";

    /// <summary>The command line main runs; rc.main execs it with /bin/sh, stderr joined to stdout.</summary>
    [Parameter(Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string Command { get; set; } = "";

    /// <summary>The perp base (default: $env:PERP_BASE, else /etc/perp).</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string? Base { get; set; }

    /// <summary>Write no rc.log: main's output goes to perpd's output.</summary>
    [Parameter]
    public SwitchParameter NoLog { get; set; }

    /// <summary>tinylog's directory, relative to the service directory or absolute (default "log").</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string LogDirectory { get; set; } = "log";

    /// <summary>Write flag.down: perpd does not start main when it activates the service.</summary>
    [Parameter]
    public SwitchParameter Down { get; set; }

    /// <summary>Write flag.once: main runs once per activation.</summary>
    [Parameter]
    public SwitchParameter Once { get; set; }

    /// <summary>Enable the service (sticky bit + rescan) once it is written.</summary>
    [Parameter]
    public SwitchParameter Enable { get; set; }

    protected override void ProcessRecord()
    {
        string b = ResolveBase(Base);
        if (Name.Contains('/') || Name.StartsWith('.'))
        {
            WriteError(new ErrorRecord(new ArgumentException($"'{Name}' cannot be a service name: it contains '/' or starts with '.'."),
                "PerpServiceInvalidName", ErrorCategory.InvalidArgument, Name));
            return;
        }
        string path = Path.Combine(b, Name);
        // A bad policy value is refused before anything is created.
        if (PlanPolicy(Name) is not { } policy) return;
        if (!ShouldProcess(Name, $"Create Perp service in {b}")) return;
        if (FileStatus.TryStat(path, out _) == 0)
        {
            WriteError(new ErrorRecord(new IOException($"'{path}' exists already."), ErrorIds.ServiceExists, ErrorCategory.ResourceExists, Name));
            return;
        }
        try
        {
            Directory.CreateDirectory(path);
            WriteScript(Path.Combine(path, "rc.main"), RunscriptWriter.Main(Command));
            if (!NoLog) WriteScript(Path.Combine(path, "rc.log"), RunscriptWriter.Log(RunscriptWriter.FindTinylog(), LogDirectory));
            if (Down) File.WriteAllBytes(Path.Combine(path, "flag.down"), Array.Empty<byte>());
            if (Once) File.WriteAllBytes(Path.Combine(path, "flag.once"), Array.Empty<byte>());
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            WriteError(new ErrorRecord(e, ErrorIds.FileError, ErrorCategory.WriteError, Name));
            return;
        }
        // The policy files are in place before perpd can first start the service.
        if (!ApplyPolicy(b, Name, policy)) return;
        try
        {
            if (Enable) _ = StickyBit.Set(path, true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            WriteError(new ErrorRecord(e, ErrorIds.FileError, ErrorCategory.WriteError, Name));
            return;
        }
        if (!Enable)
        {
            WriteObject(ReadService(b, Name, queryDaemon: false));
            return;
        }
        int pid = DaemonControl.Pid(b);
        if (pid == 0)
        {
            WriteWarning($"perpd is not running on {b}: the service starts when perpd does.");
            WriteObject(ReadService(b, Name, queryDaemon: false));
            return;
        }
        DaemonControl.Signal(pid, SignalNames.SIGHUP);
        var created = ReadService(b, Name, queryDaemon: false)!;
        if (WaitFor(created, s => s.Record != null, "activated", 30) is { } activated) WriteObject(activated);
    }

    private static void WriteScript(string path, string text)
    {
        File.WriteAllText(path, text);
        File.SetUnixFileMode(path, (UnixFileMode)0b111_101_101);
    }
}
