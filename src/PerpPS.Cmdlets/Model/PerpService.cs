namespace PerpPS.Cmdlets;

/// <summary>
/// One service directory of a perp base, active or not, with perpd's view of it. Plain
/// properties of serializable types, so the object survives remoting and Export-Clixml
/// (Perp.types.ps1xml sets a serialization depth that keeps <see cref="Log"/>).
/// </summary>
public sealed partial class PerpService
{
    /// <summary>The directory name inside the base.</summary>
    public string Name { get; set; } = "";
    /// <summary>The absolute base directory.</summary>
    public string Base { get; set; } = "";
    /// <summary>The absolute path of the service directory.</summary>
    public string Path { get; set; } = "";
    /// <summary>What the service is doing (see <see cref="PerpServiceStatus"/>).</summary>
    public PerpServiceStatus Status { get; set; }
    /// <summary>The sticky bit is set: perpd is to supervise the directory.</summary>
    public bool Enabled { get; set; }
    /// <summary>Main's pid, 0 when nothing runs (also reported while it is Starting or Resetting).</summary>
    public int Pid { get; set; }
    /// <summary>Time since main's current run started, in perp's rounded seconds; null when not running.</summary>
    public TimeSpan? Uptime { get; set; }
    /// <summary>When main's current run (start or reset) began, local time; null when not running.</summary>
    public DateTime? StartTime { get; set; }
    /// <summary>Main will not be restarted: stopped on request, flag.down, or a finished once run.</summary>
    public bool WantDown { get; set; }
    /// <summary>Main runs once: it stays down after its current run ends.</summary>
    public bool Once { get; set; }
    /// <summary>Main was paused (SIGSTOP) on request.</summary>
    public bool Paused { get; set; }
    /// <summary>The service has an executable rc.log (as of its activation when it is active).</summary>
    public bool HasLog { get; set; }
    /// <summary>The logger's status; null when the service has no log or is not supervised.</summary>
    public PerpLogService? Log { get; set; }
    /// <summary>The flag file on disk now (flag.down → Manual, flag.once → Once); read by perpd at the next activation.</summary>
    public PerpStartupType StartupType { get; set; }
    /// <summary>flag.down existed when perpd activated the service.</summary>
    public bool DownAtActivation { get; set; }
    /// <summary>flag.once existed when perpd activated the service.</summary>
    public bool OnceAtActivation { get; set; }
    /// <summary>When perpd activated the service (local time); null when not supervised.</summary>
    public DateTime? ActivationTime { get; set; }
    /// <summary>perpd's pid; 0 when perpd does not supervise the service.</summary>
    public int DaemonPid { get; set; }
    /// <summary>perpls's 11-character panel, e.g. "[+ +++ +++]".</summary>
    public string Panel { get; set; } = "[- --- ---]";

    /// <summary>The raw status reply this object was built from (not serialized: internal).</summary>
    internal PerpPS.Core.Protocol.StatusRecord? Record { get; set; }

    /// <summary>The service's name, so a service prints as its name in strings and messages.</summary>
    public override string ToString() => Name;
}
