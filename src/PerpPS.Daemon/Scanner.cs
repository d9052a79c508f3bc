using PerpPS.Core.Interop;
using PerpPS.Core.Posix;
using PerpPS.Core.Protocol;
using PerpPS.Daemon.Interop;

namespace PerpPS.Daemon;

/// <summary>
/// Scans the base directory (spec §4.2) and activates new services (§4.4). Entries are
/// read with getdents64 on the base's descriptor and examined with statx on their byte
/// names (following symlinks), so any name the kernel accepts works. Only the set of
/// sticky directories matters; their identity is dev/ino.
/// </summary>
internal sealed unsafe class Scanner
{
    /// <summary>perp refuses to activate a directory whose name is longer than this.</summary>
    public const int MaxNameLength = 240;
    private const int BufferSize = 64 * 1024;

    private static readonly byte[] FlagDown = "flag.down\0"u8.ToArray();
    private static readonly byte[] FlagOnce = "flag.once\0"u8.ToArray();
    private static readonly byte[] RcLog = "rc.log\0"u8.ToArray();

    private readonly int _baseFd;
    private readonly DaemonLog _log;
    private readonly ServiceTable _table;
    private readonly Supervisor _supervisor;
    private readonly byte[] _buffer = new byte[BufferSize];
    private readonly byte[] _name = new byte[512];

    private readonly DescriptorBudget _budget;
    /// <summary>Services left for a later scan for want of descriptors (this scan, and as last logged).</summary>
    private int _deferred, _loggedDeferred;

    public Scanner(int baseFd, DaemonLog log, ServiceTable table, Supervisor supervisor, DescriptorBudget budget)
    {
        _budget = budget;
        _baseFd = baseFd;
        _log = log;
        _table = table;
        _supervisor = supervisor;
    }

    /// <summary>One scan; returns false when something failed and a rescan should follow the pause.</summary>
    public bool Scan()
    {
        foreach (var s in _table.All) s.Flags &= ~ServiceFlags.Active;
        int failures = 0;
        _deferred = 0;
        _supervisor.Scanning = true;
        Libc.Lseek(_baseFd, 0, 0);
        var entries = new DirectoryEntries(_baseFd, _buffer);
        while (entries.MoveNext())
        {
            var name = entries.Name;
            if (name.IsEmpty || name[0] == (byte)'.') continue;
            if (!Examine(name)) failures++;
        }
        if (entries.Errno != 0)
        {
            _log.Warning().Add("failure readdir() while scanning base directory: ").Errno(entries.Errno).Line();
            // Without a complete listing nothing may be deactivated.
            foreach (var s in _table.All) s.Flags |= ServiceFlags.Active;
            _log.Warning().Add("pausing on base directory scanning failure...").Line();
            _supervisor.ScanDone();
            return false;
        }
        var cull = new List<Service>();
        foreach (var s in _table.Snapshot())
        {
            if (s.Has(ServiceFlags.Active) || s.Removed) continue;
            if (!s.IsCulling) cull.Add(s);
            else
            {
                s.Flags &= ~ServiceFlags.Cycle;
                if (!s.AnythingRunning && !s.Policy.CullDeferred) _supervisor.Remove(s);
            }
        }
        if (cull.Count > 0) _supervisor.CullInOrder(cull); // dependants first
        _supervisor.ScanDone();
        LogShortage();
        if (failures > _deferred)
        {
            _log.Warning().Add("pausing on service activation failure...").Line();
            return false;
        }
        return failures == 0; // deferred services: rescan after the pause, silently
    }

    /// <summary>One line when services start waiting for descriptors, one when none waits any more.</summary>
    private void LogShortage()
    {
        if ((_deferred > 0) == (_loggedDeferred > 0)) return;
        _loggedDeferred = _deferred;
        if (_deferred > 0)
            _log.Warning().Add("descriptors running low: ").Count(_deferred, " service waits", " services wait")
                .Add(" for activation (the last ").Count(_budget.ClientReserve, " descriptor is", " descriptors are")
                .Add(" kept for clients)").Line();
        else
            _log.Info().Add("descriptors available again: every service is activated").Line();
    }

    /// <summary>One entry of the base: false when it should have been activated and could not.</summary>
    private bool Examine(ReadOnlySpan<byte> name)
    {
        if (name.Length + 1 > _name.Length)
        {
            _log.Warning().Add("service definition directory name error: ").Add(name).Add(": ").Errno(Errno.ENAMETOOLONG).Line();
            return false;
        }
        name.CopyTo(_name);
        _name[name.Length] = 0;
        int err = FileStatus.TryStat(_baseFd, _name.AsSpan(0, name.Length + 1), followLinks: true, out var st);
        if (err != 0)
        {
            _log.Warning().Add("failure stat() on ").Add(name).Add(": ").Errno(err).Line();
            return true;
        }
        if (!st.IsDirectory || !st.IsSticky) return true;
        if (_table.TryGet(st.Id, out var known))
        {
            known.Flags |= ServiceFlags.Active;
            known.Rename(name);
            if (known.IsCulling) known.Flags |= ServiceFlags.Cycle;
            else _supervisor.CheckDefinition(known);
            return true;
        }
        return Activate(name, st.Id);
    }

    /// <summary>Spec §4.4.</summary>
    private bool Activate(ReadOnlySpan<byte> name, ServiceId id)
    {
        if (name.Length > MaxNameLength)
        {
            _log.Warning().Add("service definition directory name error: ").Add(name).Add(": ").Errno(Errno.ENAMETOOLONG).Line();
            return false;
        }
        int fd;
        fixed (byte* p = _name) fd = Native.OpenAt(_baseFd, p, Libc.O_RDONLY | Libc.O_DIRECTORY | Libc.O_CLOEXEC, 0);
        if (fd >= 0 && _budget.TooHighForService(fd))
        {
            Libc.Close(fd);
            _deferred++;
            return false;
        }
        if (fd < 0)
        {
            int errno = Native.Errno;
            if (errno is 24 or 23) // EMFILE, ENFILE: wait, reported once by LogShortage
            {
                _deferred++;
                return false;
            }
            _log.Warning().Add("failure open() on service definition directory ").Add(name).Add(": ").Errno(errno).Line();
            _log.Warning().Add("unable to activate new service ").Add(name).Line();
            return false;
        }
        var svc = new Service(id, fd, name, Tai64N.Now()) { Flags = ServiceFlags.Active };
        bool down = FileStatus.TryStat(fd, FlagDown, followLinks: true, out _) == 0;
        bool once = !down && FileStatus.TryStat(fd, FlagOnce, followLinks: true, out _) == 0;
        if (FileStatus.TryStat(fd, RcLog, followLinks: true, out var rcLog) == 0)
        {
            if (rcLog.IsOwnerExecutable) svc.Flags |= ServiceFlags.HasLog;
            else _log.Warning().Add("rc.log exists but is not set executable for ").Add(name).Line();
        }
        if (svc.HasLog && !_supervisor.OpenLogPipe(svc, quietOnShortage: true))
        {
            Libc.Close(fd);
            if (_supervisor.LastPipeShortage)
            {
                _deferred++;
                return false;
            }
            _log.Warning().Add("unable to activate new service ").Add(name).Line();
            return false;
        }
        _table.Add(svc);
        bool logDown = false;
        if (_supervisor.Wanted is { } wanted && wanted.TryLoad(id, out char mainWant, out char logWant))
        {
            // What the last command asked of a perpd that did not shut down cleanly wins.
            down = mainWant == 'd';
            once = mainWant == 'o';
            logDown = logWant == 'd';
        }
        if (_supervisor.Adopt(svc) is { Exact: true } entry)
        {
            // An upgrade re-exec handed over the previous image's wants exactly.
            var mainFlags = entry.Main?.Flags ?? SubserviceFlags.None;
            down = (mainFlags & SubserviceFlags.WantDown) != 0;
            once = !down && (mainFlags & SubserviceFlags.IsOnce) != 0;
            logDown = ((entry.Log?.Flags ?? SubserviceFlags.None) & SubserviceFlags.WantDown) != 0;
        }
        _supervisor.CheckDefinition(svc);
        _supervisor.StartActivated(svc, down, once, logDown);
        if (_budget.Compact(fd))
        {
            // Near the limit: the directory is opened again whenever it is needed (DescriptorBudget.Compact).
            Libc.Close(fd);
            svc.DirectoryFd = -1;
            svc.DirectoryTransient = true;
        }
        _log.Info().Add("activated new service: ").Add(name).Line();
        return true;
    }
}
