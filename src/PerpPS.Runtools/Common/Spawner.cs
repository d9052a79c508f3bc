using PerpPS.Core.Interop;
using System.Runtime.InteropServices;
using PerpPS.Core.Posix;
using PerpPS.Runtools.Interop;

namespace PerpPS.Runtools.Common;

/// <summary>How a child is plumbed: which descriptors become its 0/1/2, and its session.</summary>
internal sealed class SpawnPlan
{
    /// <summary>(target fd, source fd) pairs applied in order with dup2.</summary>
    public List<(int Target, int Source)> Dups { get; } = new();
    /// <summary>(target fd, path, flags, mode) opened in the child.</summary>
    public List<(int Target, string Path, int Flags, uint Mode)> Opens { get; } = new();
    /// <summary>A new session (setsid) for the child.</summary>
    public bool NewSession { get; set; }
    /// <summary>Default dispositions for every signal and an empty mask in the child.</summary>
    public bool CleanSignals { get; set; } = true;
    /// <summary>When above 0, every descriptor from this number up is closed in the child.</summary>
    public int CloseFrom { get; set; }
}

/// <summary>
/// Starting a child with posix_spawn (never fork from managed code): file actions for the
/// pipe plumbing, POSIX_SPAWN_SETSID for detached children, and Core's
/// <see cref="SpawnAttributes"/> (empty mask, default disposition for every signal 1–64,
/// real-time ones included) so that nothing of .NET's signal handling leaks into the child. The
/// program is found along PATH by the same rules as <see cref="Exec"/>.
/// </summary>
internal static unsafe class Spawner
{
    /// <summary>Spawns; the pid, or -errno when nothing could be started (a file action that
    /// could not be queued counts as a failure: nothing is started).</summary>
    public static int Spawn(string program, IReadOnlyList<string> argv, Environ env, SpawnPlan plan, string? searchPath = null)
    {
        using var attr = Attributes(plan, out int attrError);
        if (attr == null) return -attrError;
        byte** nativeArgv = NativeStrings.Array(argv);
        byte** nativeEnv = NativeStrings.Array(env.ToEntries());
        using var actions = new SpawnFileActions();
        try
        {
            foreach (var (target, file, flags, mode) in plan.Opens)
            {
                // glibc copies the path into the file actions: ours can go at once.
                byte* p = NativeStrings.One(file);
                actions.AddOpen(target, p, flags, mode);
                NativeMemory.Free(p);
            }
            foreach (var (target, source) in plan.Dups) actions.AddDup2(source, target);
            if (plan.CloseFrom > 0) actions.AddCloseFrom(plan.CloseFrom);
            if (actions.Error != 0) return -actions.Error;

            if (program.Contains('/')) return Try(program, actions.Pointer, attr.Pointer, nativeArgv, nativeEnv);
            string path = searchPath ?? Environment.GetEnvironmentVariable("PATH") ?? Exec.DefaultPath;
            int errno = Errno.ENOENT;
            foreach (string element in path.Split(':'))
            {
                string dir = element.Length == 0 ? "." : element;
                int r = Try(dir.EndsWith('/') ? dir + program : dir + "/" + program, actions.Pointer, attr.Pointer, nativeArgv, nativeEnv);
                if (r > 0) return r;
                int e = -r;
                if (e == Errno.EACCES || e == Errno.EPERM || e == Errno.EISDIR) { errno = e; continue; }
                if (e == Errno.ENOENT || e == Errno.ENOTDIR) continue;
                return r;
            }
            return -errno;
        }
        finally
        {
            NativeStrings.FreeArray(nativeArgv);
            NativeStrings.FreeArray(nativeEnv);
        }
    }

    // Attributes glibc refused (posix_spawnattr_*: ENOMEM) are a spawn failure like any other:
    // the caller words the errno, nothing is started.
    private static SpawnAttributes? Attributes(SpawnPlan plan, out int errno)
    {
        errno = 0;
        try
        {
            return new SpawnAttributes(plan.NewSession, plan.CleanSignals);
        }
        catch (PosixException e)
        {
            errno = e.Errno;
            return null;
        }
    }

    private static int Try(string path, void* actions, void* attr, byte** argv, byte** env)
    {
        int pid;
        byte* p = NativeStrings.One(path);
        int rc = Libc.PosixSpawn(&pid, p, actions, attr, argv, env);
        NativeMemory.Free(p);
        return rc == 0 ? pid : -rc;
    }

    /// <summary>Waits for <paramref name="pid"/> (our own child) and returns its wait status.</summary>
    public static int WaitFor(int pid)
    {
        int status;
        while (Libc.WaitPid(pid, &status, 0) < 0)
        {
            if (Marshal.GetLastPInvokeError() != Errno.EINTR) return -1;
        }
        return status;
    }

    public static bool ExitedZero(int status) => status == 0;
}
