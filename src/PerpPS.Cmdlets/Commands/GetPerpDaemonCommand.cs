using System.Management.Automation;

namespace PerpPS.Cmdlets;

/// <summary>
/// Get-PerpDaemon: perpd on a base. A base without a running perpd is reported with
/// Running = $false rather than as an error, so scripts can ask (Get-PerpDaemon).Running.
/// </summary>
[Cmdlet(VerbsCommon.Get, "PerpDaemon")]
[OutputType(typeof(PerpDaemon))]
public sealed class GetPerpDaemonCommand : PerpDaemonCmdlet
{
    protected override void ProcessRecord()
    {
        string b = ResolveBase(Base);
        var daemon = Describe(b);
        string log = DefaultLogPath(b);
        if (File.Exists(log)) daemon.LogPath = log;
        WriteObject(daemon);
    }
}
