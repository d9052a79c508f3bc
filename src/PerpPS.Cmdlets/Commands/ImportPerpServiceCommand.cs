using System.Management.Automation;
using PerpPS.Cmdlets.Engine;
using PerpPS.Core.Import;

namespace PerpPS.Cmdlets;

/// <summary>
/// Import-PerpService: turns runit, daemontools and s6 service directories, systemd units
/// and Procfiles into perp service directories (Core's <see cref="ServiceImporter"/>, the
/// same converters as perp-import). What cannot be carried over is a warning naming the
/// source file and line; -WhatIf converts (and warns) but writes nothing.
/// </summary>
[Cmdlet(VerbsData.Import, "PerpService", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(PerpService))]
public sealed class ImportPerpServiceCommand : PerpCmdlet
{
    /// <summary>A service directory, a directory of them, a unit file or a Procfile.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    [Alias("FullName")]
    public string[] Path { get; set; } = [];

    /// <summary>The source's format; guessed when omitted.</summary>
    [Parameter]
    public ImportFormat Format { get; set; } = ImportFormat.Auto;

    /// <summary>The service's name in the base (a single service only).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Name { get; set; }

    /// <summary>Put before every imported service's name.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Prefix { get; set; }

    /// <summary>The perp base (default: $env:PERP_BASE, else /etc/perp).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Base { get; set; }

    /// <summary>No tinylog rc.log where the source has no logger of its own (systemd units, Procfiles).</summary>
    [Parameter]
    public SwitchParameter NoLog { get; set; }

    /// <summary>Enable each service (sticky bit, then one rescan).</summary>
    [Parameter]
    public SwitchParameter Enable { get; set; }

    private readonly List<(string Base, string Name)> _written = new();

    protected override void ProcessRecord()
    {
        string b = ResolveBase(Base);
        var options = new ImportOptions
        {
            Format = Format, Name = Name, Prefix = Prefix, NoLog = NoLog,
            Tools = new ToolPaths([ModuleFiles.BinDirectory]),
        };
        foreach (string p in Path)
        {
            string source = GetUnresolvedProviderPathFromPSPath(p);
            List<ImportedService> services;
            try
            {
                services = ServiceImporter.Import(source, options);
            }
            catch (Exception e) when (e is ImportException or IOException or UnauthorizedAccessException)
            {
                WriteError(new ErrorRecord(e, ErrorIds.ImportFailed, ErrorCategory.InvalidData, p));
                continue;
            }
            foreach (var svc in services)
            {
                foreach (var w in svc.Warnings) WriteWarning(w.ToString());
                if (svc.Name.Length == 0) continue;
                if (!ShouldProcess(svc.Name, $"Import {svc.Format} service {svc.Source} into {b}")) continue;
                try
                {
                    ServiceWriter.Write(b, svc, Enable);
                    _written.Add((b, svc.Name));
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    bool exists = Directory.Exists(System.IO.Path.Combine(b, svc.Name));
                    WriteError(new ErrorRecord(e, exists ? ErrorIds.ServiceExists : ErrorIds.FileError,
                        exists ? ErrorCategory.ResourceExists : ErrorCategory.WriteError, svc.Name));
                }
            }
        }
    }

    protected override void EndProcessing()
    {
        if (Enable)
            foreach (string b in _written.Select(w => w.Base).Distinct())
                if (ServiceWriter.Rescan(b) == 0)
                    WriteWarning($"perpd is not running on {b}: the imported services start when perpd does.");
        foreach (var (b, name) in _written)
        {
            var svc = ReadService(b, name, queryDaemon: false);
            if (!Enable || svc == null || DaemonControl.Pid(b) == 0)
            {
                if (svc != null) WriteObject(svc);
                continue;
            }
            if (WaitFor(svc, s => s.Record != null, "activated", 30) is { } activated) WriteObject(activated);
        }
    }
}
