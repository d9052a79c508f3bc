using System.Management.Automation;
using PerpPS.Cmdlets.Engine;

namespace PerpPS.Cmdlets;

/// <summary>
/// Get-PerpLog: the lines tinylog kept for a service, oldest first (archives, then current).
/// The log directory is -Path when given, else the directory the tinylog command in rc.log
/// names (relative to the service directory), else SERVICE/log. -Wait follows the log like
/// Get-Content -Wait (one service) until Ctrl-C.
/// </summary>
[Cmdlet(VerbsCommon.Get, "PerpLog", DefaultParameterSetName = InputObjectSet)]
[OutputType(typeof(string))]
public sealed class GetPerpLogCommand : PerpServiceCmdlet
{
    /// <summary>Only the last N lines (across rotated archives).</summary>
    [Parameter]
    [ValidateRange(0, int.MaxValue)]
    public int Tail { get; set; } = -1;

    /// <summary>Keep following the log after printing it.</summary>
    [Parameter]
    public SwitchParameter Wait { get; set; }

    /// <summary>The tinylog directory, when rc.log does not tell it.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Path { get; set; }

    protected override bool QueriesDaemon => false;

    protected override void ProcessService(PerpService service)
    {
        string directory = Path != null ? GetUnresolvedProviderPathFromPSPath(Path) : LogDirectoryLocator.Find(service.Path);
        if (!Directory.Exists(directory))
        {
            WriteServiceError(new DirectoryNotFoundException($"The log directory of Perp service '{service.Name}' ({directory}) does not exist."),
                ErrorIds.LogNotFound, ErrorCategory.ObjectNotFound, service);
            return;
        }
        foreach (string line in TinylogFiles.Lines(directory, Tail)) WriteObject(line);
        if (!Wait) return;
        using var follower = new LogFollower(System.IO.Path.Combine(directory, TinylogFiles.Current), fromEnd: true);
        while (!StopToken.WaitHandle.WaitOne(200))
            foreach (string line in follower.Poll()) WriteObject(line);
        throw new PipelineStoppedException();
    }
}
