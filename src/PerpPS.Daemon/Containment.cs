using System.Text;
using PerpPS.Core.Interop;
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
/// <c>cgroup.kill</c> (the stop timeout (<c>-k</c>) still kills the process group only, since
/// the reset is spawned into the same cgroup at once); a deactivated service's cgroups are killed, waited for (cgroup.events
/// <c>populated 0</c>, at most 0.5 s) and removed, and <c>perpd-HASH</c> is removed at the end
/// of a shutdown.</para>
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

    /// <summary>SIGKILL to every process of the slot's cgroup (cgroup.kill); false when there is none to kill.</summary>
    public bool Kill(Subservice sub)
    {
        string? leaf = LeafPath(sub);
        if (leaf == null || !Populated(sub)) return false;
        try
        {
            File.WriteAllText(Path.Combine(leaf, "cgroup.kill"), "1");
            return true;
        }
        catch (IOException) { return false; }
        catch (UnauthorizedAccessException) { return false; }
    }

    /// <summary>
    /// A deactivated service: kills what is left in its cgroups, waits (at most 0.5 s) until
    /// cgroup.events says they are empty, and removes them. True when they are gone.
    /// </summary>
    public bool Release(Service svc)
    {
        if (Root == null) return true;
        Kill(svc.Main);
        Kill(svc.Log);
        long deadline = Environment.TickCount64 + 500;
        while ((Populated(svc.Main) || Populated(svc.Log)) && Environment.TickCount64 < deadline) Thread.Sleep(2);
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
    /// For status (issue #9): the number of processes in the service's cgroups and their CPU
    /// time in microseconds (cpu.stat usage_usec, children included); (-1, -1) without cgroups.
    /// </summary>
    public (int Processes, long CpuMicroseconds) Usage(Service svc)
    {
        if (Root == null) return (-1, -1);
        int procs = 0;
        long usec = 0;
        try
        {
            foreach (var sub in new[] { svc.Main, svc.Log })
            {
                string leaf = LeafPath(sub)!;
                if (!Directory.Exists(leaf)) continue;
                foreach (string line in File.ReadLines(Path.Combine(leaf, "cgroup.procs"))) if (line.Length > 0) procs++;
            }
            string dir = Path.Combine(Root, ServiceName(svc));
            if (File.Exists(Path.Combine(dir, "cpu.stat")))
                foreach (string line in File.ReadLines(Path.Combine(dir, "cpu.stat")))
                    if (line.StartsWith("usage_usec ", StringComparison.Ordinal)) usec = long.Parse(line.AsSpan(11));
        }
        catch (IOException) { }
        return (procs, usec);
    }

    /// <summary>At the end of a shutdown: perpd-HASH goes (when empty).</summary>
    public void Shutdown()
    {
        if (Root == null) return;
        Libc.Close(_rootFd);
        try { Directory.Delete(Root); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
