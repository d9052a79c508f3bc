using PerpPS.Core.Posix;

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
    public string Path
    {
        // A read object's is Base/Name, made when first looked at (a listing seldom asks).
        get => _path ??= Base.Length == 0 ? "" : System.IO.Path.Combine(Base, Name);
        set => _path = value;
    }

    private string? _path;
    /// <summary>What the service is doing (see <see cref="PerpServiceStatus"/>).</summary>
    public PerpServiceStatus Status { get; set; }
    /// <summary>
    /// The sticky bit is set: perpd is to supervise the directory. A service Get-PerpService
    /// read from a listing of its base, and that perpd supervises, looks at the bit when this
    /// is first looked at, then keeps the answer: the listing gives each directory's identity
    /// without a stat() of it (issue #13).
    /// </summary>
    public bool Enabled
    {
        get
        {
            // 0: false, 1: true, -1: to be read from Path (one int, as _startupType).
            int v = _enabled;
            if (v >= 0) return v == 1;
            bool read = FileStatus.TryStat(Path, out var stat) == 0 && stat.IsSticky;
            _enabled = read ? 1 : 0;
            return read;
        }
        set => _enabled = value ? 1 : 0;
    }

    private int _enabled;

    /// <summary>Enabled is to be read from the sticky bit of <see cref="Path"/> when first looked at.</summary>
    internal void ReadEnabledLater() => _enabled = -1;
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
    /// <summary>
    /// The flag file on disk (flag.down → Manual, flag.once → Once); read by perpd at the next
    /// activation. A read object looks at the flag files when this is first looked at, then
    /// keeps the answer: a listing that never asks makes no lookup for it (issue #13).
    /// </summary>
    public PerpStartupType StartupType
    {
        get
        {
            // 0: given, or nothing to read; -1: to be read from Path; else the value + 1.
            // One int, so a first look from two threads at once is at worst two lookups.
            int v = _startupType;
            if (v > 0) return (PerpStartupType)(v - 1);
            if (v == 0) return PerpStartupType.Automatic;
            var read = Engine.ServiceReader.StartupTypeOf(Path);
            _startupType = (int)read + 1;
            return read;
        }
        set => _startupType = (int)value + 1;
    }

    private int _startupType;

    /// <summary>StartupType is to be read from the flag files in <see cref="Path"/> when first looked at.</summary>
    internal void ReadStartupTypeLater() => _startupType = -1;
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

    /// <summary>The raw status reply this object was built from (not serialized: internal): perp's part of <see cref="Extended"/>, kept once.</summary>
    internal PerpPS.Core.Protocol.StatusRecord? Record => Extended?.Status;

    /// <summary>The service's name, so a service prints as its name in strings and messages.</summary>
    public override string ToString() => Name;
}
