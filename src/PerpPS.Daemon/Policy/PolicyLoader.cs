using PerpPS.Core.Interop;
using PerpPS.Core.Policy;
using PerpPS.Daemon.Interop;

namespace PerpPS.Daemon.Policy;

/// <summary>
/// Reads a service's policy files through its directory descriptor (so a renamed or deleted
/// directory still works, as runscripts do) and logs each unusable file once per distinct
/// problem: a crash loop re-reads the files every start but repeats no line.
/// </summary>
internal static unsafe class PolicyLoader
{
    private static readonly byte[] CheckName = "check\0"u8.ToArray();

    public static void Load(Service svc, DaemonLog log)
    {
        var state = svc.Policy;
        var errors = new List<PolicyError>();
        int dirFd = svc.DirectoryFd;
        var policy = ServicePolicy.Read(file => ReadFile(dirFd, file), errors);
        state.Policy = policy;
        fixed (byte* p = CheckName) state.HasCheck = dirFd >= 0 && Native.FaccessAt(dirFd, p, Native.X_OK, 0) == 0;
        if (!state.HasCheck && dirFd >= 0 && FileExists(dirFd, "check"))
            errors.Add(new PolicyError("check", "exists but is not executable; no health check"));
        Report(svc, state, errors, log);
    }

    private static void Report(Service svc, PolicyState state, List<PolicyError> errors, DaemonLog log)
    {
        if (errors.Count == 0 && state.Logged is null) return;
        state.Logged ??= new Dictionary<string, string>(StringComparer.Ordinal);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var e in errors)
        {
            seen.Add(e.File);
            if (state.Logged.TryGetValue(e.File, out var last) && last == e.Reason) continue;
            state.Logged[e.File] = e.Reason;
            log.Warning().Add("service ").Add(svc.Name).Add(": policy file ").Add(e.File).Add(": ").Add(e.Reason).Line();
        }
        List<string>? gone = null;
        foreach (var file in state.Logged.Keys)
            if (!seen.Contains(file)) (gone ??= []).Add(file);
        if (gone != null) foreach (var file in gone) state.Logged.Remove(file);
    }

    private static bool FileExists(int dirFd, string name)
    {
        fixed (byte* p = NameOf(name)) return Native.FaccessAt(dirFd, p, 0, 0) == 0;
    }

    /// <summary>The policy files' names, NUL-terminated, made once each: every start reads ~10
    /// of them, and per-start garbage stays resident in perpd's GC heap.</summary>
    private static readonly Dictionary<string, byte[]> Names = new(StringComparer.Ordinal);

    private static byte[] NameOf(string name)
    {
        if (!Names.TryGetValue(name, out var z)) Names[name] = z = System.Text.Encoding.ASCII.GetBytes(name + "\0");
        return z;
    }

    /// <summary>The file's bytes (at most MaxFileBytes + 1), or null when it does not exist.</summary>
    private static byte[]? ReadFile(int dirFd, string name)
    {
        if (dirFd < 0) return null;
        int fd;
        fixed (byte* p = NameOf(name)) fd = Native.OpenAt(dirFd, p, Libc.O_RDONLY | Libc.O_CLOEXEC | Libc.O_NONBLOCK, 0);
        if (fd < 0)
        {
            int errno = Native.Errno;
            if (errno == Core.Posix.Errno.ENOENT) return null;
            throw new IOException(Core.Posix.Errno.Describe(errno));
        }
        try
        {
            var buffer = new byte[ServicePolicy.MaxFileBytes + 1];
            int used = 0;
            fixed (byte* b = buffer)
            {
                while (used < buffer.Length)
                {
                    nint n = Libc.Read(fd, b + used, buffer.Length - used);
                    if (n < 0)
                    {
                        if (Native.Errno == Core.Posix.Errno.EINTR) continue;
                        throw new IOException(Core.Posix.Errno.Describe(Native.Errno));
                    }
                    if (n == 0) break;
                    used += (int)n;
                }
            }
            return buffer.AsSpan(0, used).ToArray();
        }
        finally
        {
            Libc.Close(fd);
        }
    }

}
