namespace PerpPS.Cmdlets;

/// <summary>
/// The stable ErrorIds of the module's ErrorRecords (FullyQualifiedErrorId is
/// "ID,PerpPS.Cmdlets.COMMANDCLASS"). Scripts and tests match on them: never rename one.
/// </summary>
internal static class ErrorIds
{
    /// <summary>Terminating: nothing listens on BASE/.control/perpd.sock (ENOENT/ECONNREFUSED).</summary>
    public const string DaemonNotRunning = "PerpDaemonNotRunning";
    /// <summary>Terminating: the socket exists but cannot be used (EACCES, ENAMETOOLONG, ...).</summary>
    public const string DaemonUnreachable = "PerpDaemonUnreachable";
    /// <summary>A literal name that matches no service directory.</summary>
    public const string ServiceNotFound = "PerpServiceNotFound";
    /// <summary>The name exists in the base but is not a directory.</summary>
    public const string NotADirectory = "PerpServiceNotADirectory";
    /// <summary>An action needs perpd to supervise the service, and it does not (yet).</summary>
    public const string ServiceNotActive = "PerpServiceNotActive";
    /// <summary>perpd is deactivating the service and refuses commands (EBUSY).</summary>
    public const string ServiceBusy = "PerpServiceBusy";
    /// <summary>Suspend/signal on a service whose process is not running.</summary>
    public const string ServiceNotRunning = "PerpServiceNotRunning";
    /// <summary>perpd answered a command or query with an error.</summary>
    public const string CommandFailed = "PerpCommandFailed";
    /// <summary>perpd answered with a packet the module does not understand.</summary>
    public const string ProtocolError = "PerpProtocolError";
    /// <summary>Writing a request or reading a reply failed.</summary>
    public const string ConnectionError = "PerpConnectionError";
    /// <summary>The service did not reach the wanted state in time.</summary>
    public const string WaitTimeout = "PerpServiceWaitTimeout";
    /// <summary>Main's run ended while a Start/Restart/Wait waited for it to be Up.</summary>
    public const string ServiceExited = "PerpServiceExited";
    /// <summary>Terminating: Watch-PerpService needs perpd's event stream, which perp 2.07's perpd lacks.</summary>
    public const string EventsNotSupported = "PerpEventsNotSupported";
    /// <summary>Set-PerpService -Once on a stopped service of a perpd without the extension (perp 2.07), which would start it.</summary>
    public const string OnceNotSupported = "PerpOnceNotSupported";
    /// <summary>A file operation on the service directory failed.</summary>
    public const string FileError = "PerpServiceFileError";
    /// <summary>New-PerpService: the directory exists already.</summary>
    public const string ServiceExists = "PerpServiceExists";
    /// <summary>Get-PerpLog: no log directory or no log file.</summary>
    public const string LogNotFound = "PerpLogNotFound";
    /// <summary>Start-PerpDaemon: perpd already runs on the base.</summary>
    public const string DaemonAlreadyRunning = "PerpDaemonAlreadyRunning";
    /// <summary>Start-PerpDaemon: the perpd program was not found.</summary>
    public const string DaemonProgramNotFound = "PerpDaemonProgramNotFound";
    /// <summary>Start-PerpDaemon: perpd could not be started or exited at once.</summary>
    public const string DaemonStartFailed = "PerpDaemonStartFailed";
    /// <summary>Restart-PerpDaemon: no re-executed perpd answered in time.</summary>
    public const string DaemonRestartTimeout = "PerpDaemonRestartTimeout";
    /// <summary>Restart-PerpDaemon: perpd exited instead of re-executing.</summary>
    public const string DaemonRestartFailed = "PerpDaemonRestartFailed";
    /// <summary>Stop-PerpDaemon: perpd did not exit in time.</summary>
    public const string DaemonStopTimeout = "PerpDaemonStopTimeout";
    /// <summary>Signalling perpd failed (EPERM, ...).</summary>
    public const string DaemonSignalFailed = "PerpDaemonSignalFailed";
    /// <summary>Import-PerpService: the source cannot be imported (not a service, no ExecStart=, unreadable).</summary>
    public const string ImportFailed = "PerpServiceImportFailed";
    /// <summary>Stop-PerpService without -Force: services that depend on this one still run (as Stop-Service's ServiceHasDependentServices).</summary>
    public const string HasDependents = "PerpServiceHasDependents";
    /// <summary>Start-PerpService: the service is in a dependency cycle, which perpd never starts.</summary>
    public const string DependencyCycle = "PerpServiceDependencyCycle";
    /// <summary>Start-PerpService: a dependency does not exist, is not active, or refused to start.</summary>
    public const string DependencyFailed = "PerpServiceDependencyFailed";
    /// <summary>New-/Set-PerpService: a policy parameter value perpd could not use.</summary>
    public const string InvalidPolicy = Engine.PolicyFiles.InvalidPolicy;
}
