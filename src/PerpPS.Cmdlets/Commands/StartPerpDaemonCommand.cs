using System.Diagnostics;
using System.Management.Automation;
using PerpPS.Cmdlets.Engine;
using PerpPS.Core.Client;
using PerpPS.Core.Posix;

namespace PerpPS.Cmdlets;

/// <summary>
/// Start-PerpDaemon: runs perpd on a base, detached (own session, stdin /dev/null, output
/// appended to -LogPath, default BASE/.control/perpd.log), waits until it answers on its
/// socket and returns it. perpd is the one bundled with the module (module/bin/perpd), else
/// the one on PATH, or -DaemonPath. perpd already running on the base is success.
/// </summary>
[Cmdlet(VerbsLifecycle.Start, "PerpDaemon", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(PerpDaemon))]
public sealed class StartPerpDaemonCommand : PerpDaemonCmdlet
{
    /// <summary>The perpd program to run.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? DaemonPath { get; set; }

    /// <summary>The file perpd's output is appended to.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? LogPath { get; set; }

    /// <summary>Extra perpd options, e.g. '-a', '5' (autoscan every 5 s).</summary>
    [Parameter]
    public string[] ArgumentList { get; set; } = Array.Empty<string>();

    /// <summary>Seconds to wait for perpd to answer on its socket.</summary>
    [Parameter]
    [ValidateRange(1, int.MaxValue)]
    public int Timeout { get; set; } = 15;

    protected override void ProcessRecord()
    {
        string b = ResolveBase(Base);
        if (!ShouldProcess(b, "Start perpd")) return;
        if (DaemonControl.Pid(b) != 0)
        {
            WriteObject(Describe(b));
            return;
        }
        string? program = DaemonPath != null ? GetUnresolvedProviderPathFromPSPath(DaemonPath) : ModuleFiles.FindProgram("perpd");
        if (program == null || !File.Exists(program))
        {
            ThrowTerminatingError(new ErrorRecord(new FileNotFoundException("perpd was not found next to the module or on PATH; give -DaemonPath.", program),
                ErrorIds.DaemonProgramNotFound, ErrorCategory.ObjectNotFound, program));
            return;
        }
        if (!Directory.Exists(b))
        {
            WriteError(new ErrorRecord(new DirectoryNotFoundException($"The base directory {b} does not exist."),
                "PerpBaseNotFound", ErrorCategory.ObjectNotFound, b));
            return;
        }
        string log = LogPath != null ? GetUnresolvedProviderPathFromPSPath(LogPath) : DefaultLogPath(b);
        // perpd makes .control itself (0700) but accepts an existing one; the log lives there.
        if (LogPath == null) Directory.CreateDirectory(Path.Combine(b, PerpPaths.ControlDirectory), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var args = new List<string>(ArgumentList) { b };
        int pid;
        try
        {
            pid = DaemonLauncher.Start(program, args, log);
        }
        catch (PosixException e)
        {
            WriteError(new ErrorRecord(e, ErrorIds.DaemonStartFailed, ErrorCategory.InvalidOperation, b));
            return;
        }
        var clock = Stopwatch.StartNew();
        while (true)
        {
            if (!ProcessInfo.IsAlive(pid))
            {
                DaemonLauncher.TryReap(pid);
                WriteError(new ErrorRecord(new InvalidOperationException($"perpd exited at once; see {log}: {LastLine(log)}"),
                    ErrorIds.DaemonStartFailed, ErrorCategory.InvalidOperation, b));
                return;
            }
            if (Answers(b)) break;
            if (clock.Elapsed.TotalSeconds > Timeout)
            {
                WriteError(new ErrorRecord(new TimeoutException($"perpd (pid {pid}) did not answer on its socket within {Timeout} seconds."),
                    ErrorIds.DaemonStartFailed, ErrorCategory.OperationTimeout, b));
                return;
            }
            if (StopToken.WaitHandle.WaitOne(50)) throw new PipelineStoppedException();
        }
        WriteObject(Describe(b, log));
    }

    private static bool Answers(string baseDirectory)
    {
        try
        {
            using var c = ControlClient.ConnectToBase(baseDirectory, TimeSpan.FromSeconds(2));
            return true;
        }
        catch (ControlException)
        {
            return false;
        }
    }

    private static string LastLine(string path)
    {
        try
        {
            string[] lines = File.ReadAllLines(path);
            return lines.Length > 0 ? lines[^1] : "(no output)";
        }
        catch (IOException)
        {
            return "(no output)";
        }
    }
}
