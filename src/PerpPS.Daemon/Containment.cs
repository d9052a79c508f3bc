using System.Text;
using PerpPS.Core.Interop;
using PerpPS.Core.Posix;
using PerpPS.Daemon.Interop;

namespace PerpPS.Daemon;

/// <summary>
/// How perpd keeps hold of everything a service starts (issue #11 item 1), chosen once at
/// start-up and logged (<c>containment: cgroup2 PATH</c> or <c>containment: process groups
/// and subreaper (REASON)</c>).
/// <para><b>cgroup2 mode</b>, where a writable cgroup2 hierarchy exists. Layout (stable, so a
/// later perpd on the same base finds the same directories):
/// <c>PARENT/perpd-HASH/sv-DEV-INO/{main,log}</c>, where PARENT is perpd's own cgroup (the
/// <c>0::</c> line of /proc/self/cgroup under the cgroup2 mount of /proc/self/mountinfo) or
/// the directory named by <c>$PERPD_CGROUP</c>; HASH is the 64-bit FNV-1a of the base path
/// as perpd resolved it, 16 hex digits; DEV and INO (decimal) are the service directory's
/// identity as in the protocol. Every runscript of main (start and reset) starts in
/// <c>main</c>, of the log in <c>log</c>, placed atomically by clone3(CLONE_INTO_CGROUP).
/// perpd itself stays where it was started: no controller is enabled, so the
/// no-internal-processes rule does not apply (cpu.stat and cgroup.procs need none).</para>
/// <para>Stop: when a slot is down for good (its reset finished and it is wanted down),
/// whatever is still in its cgroup (<c>sleep 1000 &amp;</c>, setsid grandchildren) gets
/// SIGKILL (<see cref="Kill"/>: every process of cgroup.procs, not cgroup.kill); the stop
/// timeout (<c>-k</c>) and <c>timeout-kill</c> kill the slot's whole cgroup while its
/// stopped start still runs (the reset is spawned after the kill, and is not hit). A
/// deactivated service's cgroups are killed and its removal completes when cgroup.events
/// reads <c>populated 0</c> (inotify, <see cref="Supervisor.OnCgroupEvents"/>; at most 5 s,
/// then warned), then they are removed; <c>perpd-HASH</c> is removed at the end of a
/// shutdown.</para>
/// <para><b>Fallback</b> (no writable cgroup2, or <c>PERPD_CGROUP=off</c>): process groups as
/// perp, plus PR_SET_CHILD_SUBREAPER on perpd, so orphaned descendants come back to perpd
/// and are reaped (<see cref="Supervisor.ReapOrphans"/>), and a slot down for good has the
/// rest of its sessions killed.</para>
/// </summary>
internal sealed unsafe class Containment
{
    private readonly int _rootFd = -1;

    private Containment(string? root, int rootFd, string description)
    {
        Root = root;
        _rootFd = rootFd;
        Description = description;
    }

    /// <summary>The cgroup directory holding the services' cgroups, or null in the fallback mode.</summary>
    public string? Root { get; }

    /// <summary>True when services run in cgroups of their own.</summary>
    public bool UsesCgroups => Root != null;

    /// <summary>The mode in words, for the start-up log line and status.</summary>
    public string Description { get; }

    /// <summary>Chooses the mode for <paramref name="baseDirectory"/>: cgroup2 where possible, else the subreaper fallback.</summary>
    public static Containment Choose(string baseDirectory)
    {
        string? reason;
        string? parent = Environment.GetEnvironmentVariable("PERPD_CGROUP");
        if (parent == "off") reason = "PERPD_CGROUP=off";
        else if (string.IsNullOrEmpty(parent) && (parent = OwnCgroup(out reason)) == null) { }
        else
        {
            string root = Path.Combine(parent!, "perpd-" + Fnv1a(Encoding.UTF8.GetBytes(baseDirectory)).ToString("x16"));
            int fd = MakeAndOpen(root, out int errno);
            if (fd >= 0) return new Containment(root, fd, "cgroup2 " + root);
            reason = "cannot use " + root + ": " + Core.Posix.Errno.Describe(errno);
        }
        // The daemon makes itself a subreaper in this mode (Daemon.StartReaping).
        return new Containment(null, -1, "process groups and subreaper (" + reason + ")");
    }

    /// <summary>perpd's own cgroup directory under the cgroup2 mount, or null with the reason.</summary>
    private static string? OwnCgroup(out string? reason)
    {
        reason = null;
        string? mount = null;
        try
        {
            foreach (string line in File.ReadLines("/proc/self/mountinfo"))
            {
                // ID PARENT MAJ:MIN ROOT MOUNTPOINT OPTIONS [OPTIONAL...] - FSTYPE SOURCE SUPER
                int dash = line.IndexOf(" - ", StringComparison.Ordinal);
                if (dash < 0 || !line.AsSpan(dash + 3).StartsWith("cgroup2 ")) continue;
                string[] f = line[..dash].Split(' ');
                if (f.Length > 4 && f[3] == "/") { mount = f[4].Replace("\\040", " "); break; }
            }
            if (mount == null)
            {
                reason = "no cgroup2 mount";
                return null;
            }
            foreach (string line in File.ReadLines("/proc/self/cgroup"))
            {
                if (!line.StartsWith("0::", StringComparison.Ordinal)) continue;
                string own = line[3..].TrimEnd();
                if (own.EndsWith(" (deleted)", StringComparison.Ordinal)) break;
                return own == "/" ? mount : mount + own;
            }
            reason = "no cgroup2 line in /proc/self/cgroup";
        }
        catch (IOException e)
        {
            reason = e.Message;
        }
        return null;
    }

    private static int MakeAndOpen(string path, out int errno)
    {
        errno = 0;
        byte[] p = Encoding.UTF8.GetBytes(path + "\0");
        fixed (byte* b = p)
        {
            if (Libc.Mkdir(b, 0x1ED) != 0 && Native.Errno != 17 /* EEXIST */)
            {
                errno = Native.Errno;
                return -1;
            }
            int fd = Libc.Open(b, Libc.O_RDONLY | Libc.O_DIRECTORY | Libc.O_CLOEXEC, 0);
            if (fd < 0) errno = Native.Errno;
            // A cgroup directory has cgroup.procs; a plain directory does not.
            else if (!File.Exists(Path.Combine(path, "cgroup.procs")))
            {
                Libc.Close(fd);
                errno = 95; // EOPNOTSUPP
                return -1;
            }
            return fd;
        }
    }

    private static ulong Fnv1a(ReadOnlySpan<byte> bytes)
    {
        ulong h = 14695981039346656037UL;
        foreach (byte b in bytes) { h ^= b; h *= 1099511628211UL; }
        return h;
    }

    /// <summary>The service's directory name under <see cref="Root"/>: <c>sv-DEV-INO</c>.</summary>
    public static string ServiceName(Service svc) => "sv-" + svc.Id.Device + "-" + svc.Id.Inode;

    private static string LeafName(Subservice sub) => ServiceName(sub.Owner) + (sub.IsLog ? "/log" : "/main");

    /// <summary>The full path of a slot's cgroup (null in the fallback mode).</summary>
    public string? LeafPath(Subservice sub) => Root == null ? null : Path.Combine(Root, LeafName(sub));

    /// <summary>
    /// Opens the slot's cgroup directory for one spawn (made on first use); -1 in the
    /// fallback mode or when it cannot be made (errno set: the caller spawns without it).
    /// No descriptor is kept per service: 10,000 services must fit the descriptor limit.
    /// </summary>
    public int OpenLeaf(Subservice sub, out int errno)
    {
        errno = 0;
        if (_rootFd < 0) return -1;
        string leaf = LeafName(sub);
        Span<byte> path = stackalloc byte[96];
        int n = Encoding.ASCII.GetBytes(leaf, path);
        path[n] = 0;
        fixed (byte* p = path)
        {
            int fd = Native.OpenAt(_rootFd, p, Libc.O_RDONLY | Libc.O_DIRECTORY | Libc.O_CLOEXEC, 0);
            if (fd >= 0) return fd;
            if (Native.Errno != 2 /* ENOENT */) { errno = Native.Errno; return -1; }
            int slash = leaf.IndexOf('/');
            path[slash] = 0;
            if (Native.MkdirAt(_rootFd, p, 0x1ED) != 0 && Native.Errno != 17) { errno = Native.Errno; return -1; }
            path[slash] = (byte)'/';
            if (Native.MkdirAt(_rootFd, p, 0x1ED) != 0 && Native.Errno != 17) { errno = Native.Errno; return -1; }
            fd = Native.OpenAt(_rootFd, p, Libc.O_RDONLY | Libc.O_DIRECTORY | Libc.O_CLOEXEC, 0);
            if (fd < 0) errno = Native.Errno;
            return fd;
        }
    }

    /// <summary>True while the slot's cgroup holds a process (cgroup.events <c>populated 1</c>).</summary>
    public bool Populated(Subservice sub)
    {
        string? leaf = LeafPath(sub);
        if (leaf == null) return false;
        try { return File.ReadAllText(Path.Combine(leaf, "cgroup.events")).Contains("populated 1", StringComparison.Ordinal); }
        catch (IOException) { return false; }
    }

    /// <summary>
    /// SIGKILL to every process of the slot's cgroup; false when there is none to kill. Not
    /// through <c>cgroup.kill</c>: on this machine's Linux 6.18 a cgroup killed once that way
    /// SIGKILLs every child later placed into it by clone3(CLONE_INTO_CGROUP) before it can
    /// exec (seen: the reset after a stop timeout, and every start after <c>perpctl d</c>,
    /// died at once), and a slot's next runscripts go into the same cgroup. So each process
    /// listed in cgroup.procs gets SIGKILL, and the list is read again until it shows none
    /// not yet signalled: a process with SIGKILL pending cannot complete a fork, so what a
    /// dying process was forking cannot slip through.
    /// </summary>
    public bool Kill(Subservice sub)
    {
        string? leaf = LeafPath(sub);
        if (leaf == null) return false;
        string procs = Path.Combine(leaf, "cgroup.procs");
        var signalled = new HashSet<int>();
        try
        {
            for (bool fresh = true; fresh && signalled.Count < 100_000;)
            {
                fresh = false;
                foreach (string line in File.ReadLines(procs))
                    if (int.TryParse(line, out int pid) && pid > 0 && signalled.Add(pid))
                    {
                        Libc.Kill(pid, Core.Posix.SignalNames.SIGKILL);
                        fresh = true;
                    }
            }
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
        return signalled.Count > 0;
    }

    /// <summary>The service's cgroup.events (of sv-DEV-INO: populated while either slot's cgroup holds a process).</summary>
    public string? EventsPath(Service svc) => Root == null ? null : Path.Combine(Root, ServiceName(svc), "cgroup.events");

    /// <summary>True while anything of the service is in its cgroups.</summary>
    public bool Populated(Service svc)
    {
        string? events = EventsPath(svc);
        if (events == null) return false;
        try { return File.ReadAllText(events).Contains("populated 1", StringComparison.Ordinal); }
        catch (IOException) { return false; }
    }

    /// <summary>
    /// A removed service (already killed and drained, <see cref="Supervisor.Remove"/>): its
    /// cgroups go. True when they are gone (false: something is still in them).
    /// </summary>
    public bool Release(Service svc)
    {
        if (Root == null) return true;
        Kill(svc.Main);
        Kill(svc.Log);
        bool gone = Remove(LeafName(svc.Main)) & Remove(LeafName(svc.Log));
        return Remove(ServiceName(svc)) && gone;
    }

    private bool Remove(string relative)
    {
        Span<byte> path = stackalloc byte[96];
        int n = Encoding.ASCII.GetBytes(relative, path);
        path[n] = 0;
        fixed (byte* p = path)
            return Native.UnlinkAt(_rootFd, p, Native.AT_REMOVEDIR) == 0 || Native.Errno == 2;
    }

    /// <summary>
    /// For status (the extended record's cgroup figures): the processes in the slot's cgroup
    /// (lines of cgroup.procs) and its CPU time in µs (cpu.stat <c>usage_usec</c>, which
    /// cgroup2 keeps without any controller enabled, and which includes the reaped processes
    /// that ran there). False in the fallback mode. A slot that never ran has no cgroup yet:
    /// (0, 0). Read through the root descriptor into a stack buffer, per query: the figures
    /// are always current and no descriptor is kept per service.
    /// </summary>
    public bool TryUsage(Subservice sub, out uint processes, out ulong cpuMicroseconds)
    {
        processes = 0;
        cpuMicroseconds = 0;
        if (_rootFd < 0) return false;
        Span<byte> buffer = stackalloc byte[512];
        int fd = OpenLeafFile(sub, "cgroup.procs");
        if (fd >= 0)
        {
            // One pid a line; more than a buffer's worth is read on.
            for (int n; (n = ReadSome(fd, buffer)) > 0;) processes += (uint)buffer[..n].Count((byte)'\n');
            Libc.Close(fd);
        }
        fd = OpenLeafFile(sub, "cpu.stat");
        if (fd >= 0)
        {
            int n = ReadSome(fd, buffer);
            Libc.Close(fd);
            cpuMicroseconds = UsageMicroseconds(buffer[..Math.Max(0, n)]);
        }
        return true;
    }

    /// <summary>The value of the <c>usage_usec</c> line of a cpu.stat text (0 when absent).</summary>
    internal static ulong UsageMicroseconds(ReadOnlySpan<byte> cpuStat)
    {
        ReadOnlySpan<byte> key = "usage_usec "u8;
        int at = cpuStat.IndexOf(key);
        if (at < 0 || (at > 0 && cpuStat[at - 1] != '\n')) return 0;
        ulong v = 0;
        foreach (byte b in cpuStat[(at + key.Length)..])
        {
            if (b is < (byte)'0' or > (byte)'9') break;
            v = v * 10 + (ulong)(b - '0');
        }
        return v;
    }

    /// <summary>Opens FILE of the slot's cgroup read-only (-1 when the slot has no cgroup yet).</summary>
    private int OpenLeafFile(Subservice sub, string file)
    {
        Span<byte> path = stackalloc byte[128];
        int n = Encoding.ASCII.GetBytes(LeafName(sub), path);
        path[n++] = (byte)'/';
        n += Encoding.ASCII.GetBytes(file, path[n..]);
        path[n] = 0;
        fixed (byte* p = path) return Native.OpenAt(_rootFd, p, Libc.O_RDONLY | Libc.O_CLOEXEC, 0);
    }

    private static int ReadSome(int fd, Span<byte> buffer)
    {
        fixed (byte* b = buffer)
        {
            nint n;
            do n = Libc.Read(fd, b, buffer.Length);
            while (n < 0 && Native.Errno == Core.Posix.Errno.EINTR);
            return (int)Math.Max(n, 0);
        }
    }

    /// <summary>At the end of a shutdown: perpd-HASH goes (when empty).</summary>
    public void Shutdown()
    {
        if (Root == null) return;
        Libc.Close(_rootFd);
        // rmdir(2), not Directory.Delete: its recursive branch drags in the file-system
        // enumerator (and through it Native AOT's type loader).
        fixed (byte* p = NativePath.ToBytes(Root)) Native.UnlinkAt(Libc.AT_FDCWD, p, Native.AT_REMOVEDIR);
    }
}
