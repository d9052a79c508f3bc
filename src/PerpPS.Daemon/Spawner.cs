using PerpPS.Core.Interop;
using System.Runtime.InteropServices;
using PerpPS.Core.Posix;
using PerpPS.Daemon.Interop;

namespace PerpPS.Daemon;

/// <summary>The outcome of one spawn attempt.</summary>
internal enum SpawnResult
{
    /// <summary>The runscript runs; its pid and pidfd are set.</summary>
    Started,
    /// <summary>The runscript could not be executed (perp's child would have exited 111).</summary>
    ExecFailed,
    /// <summary>No process could be created at all (perp's fork() failure).</summary>
    ForkFailed,
}

/// <summary>
/// Starts runscripts exactly as spec §3.2–§3.3 say, with posix_spawn (never fork from
/// managed code). Every spawn, in order:
/// <list type="number">
/// <item>attributes (made once): POSIX_SPAWN_SETSID (new session and process group),
/// an empty signal mask, default disposition for every signal;</item>
/// <item>file actions: fchdir into the service directory's open descriptor (works after a
/// rename or deletion, like perp's fchdir), dup2 of the log pipe (main: write end on fd 1,
/// start and reset; log start: read end on fd 0), then closefrom(3) so nothing but fds 0–2
/// is inherited (fd 0 is perpd's /dev/null, 1 and 2 perpd's stdout/stderr);</item>
/// <item>argv <c>./rc.X start NAME</c>, <c>./rc.X reset NAME exit N</c> or
/// <c>./rc.X reset NAME signal N SIGNAME</c>, NAME the 31-byte name;</item>
/// <item>the environment of <see cref="EnvironmentBlock"/> plus PERP_SVPID (and PERP_SVSECS
/// for a reset);</item>
/// <item>pidfd_open on the new pid, for the loop to wait on.</item>
/// </list>
/// PERP_SVPID of a start is the runscript's own pid, which posix_spawn cannot know before
/// the process exists. Decision: a start is spawned as
/// <c>/bin/sh -c 'PERP_SVPID=$$; export PERP_SVPID; exec "$0" "$@"' ./rc.main start NAME</c>:
/// the shell execs the runscript in the same process, so the runscript has exactly perp's
/// argv and pid, and <c>$$</c> is that pid. Because the shell would hide an exec failure,
/// the runscript is first checked with faccessat(X_OK) relative to the directory fd; a
/// missing or non-executable rc.main gets perp's execve message and the exit-111 path.
/// A reset knows its PERP_SVPID (the pid that ended) and is spawned directly, so glibc
/// reports an exec failure as posix_spawn's return value.
/// The shell (dash on Debian) would set PWD to the service directory; the trampoline puts
/// back perpd's own PWD (or unsets it), so the runscript's environment is exactly perpd's
/// plus perp's variables. One visible difference remains: a shell drops environment
/// entries whose names are not shell names (e.g. <c>a-b=1</c>) from a start's environment.
/// </summary>
internal sealed unsafe class Spawner : IDisposable
{
    private static readonly byte[] ShellPath = "/bin/sh\0"u8.ToArray();
    private readonly byte[] _trampoline;
    /// <summary>Room for one spawn's argv strings: the trampoline plus names and numbers.</summary>
    private readonly int ScratchSize;

    private readonly void* _attr;
    private readonly void* _actions;
    private readonly byte* _scratch;
    private readonly EnvironmentBlock _environment;

    public Spawner(EnvironmentBlock environment)
    {
        _environment = environment;
        _trampoline = MakeTrampoline(environment.OriginalPwd);
        ScratchSize = 1024 + _trampoline.Length;
        _attr = NativeMemory.AllocZeroed(Libc.SpawnAttrSize);
        _actions = NativeMemory.AllocZeroed(Libc.FileActionsSize);
        _scratch = (byte*)NativeMemory.AllocZeroed((nuint)ScratchSize);
        byte* set = stackalloc byte[Libc.SigSetSize];
        Libc.SpawnAttrInit(_attr);
        Libc.SpawnAttrSetFlags(_attr, Libc.POSIX_SPAWN_SETSID | Libc.POSIX_SPAWN_SETSIGMASK | Libc.POSIX_SPAWN_SETSIGDEF);
        Libc.SigEmptySet(set);
        Libc.SpawnAttrSetSigMask(_attr, set);
        // Every signal 1..64 back to its default. Written as raw bits on purpose: glibc's
        // sigfillset leaves out its two internal signals (32, 33), which posix_spawn then
        // sets to SIG_IGN in the child, an ignore that exec would pass on to the service.
        new Span<byte>(set, Libc.SigSetSize).Clear();
        *(ulong*)set = ulong.MaxValue;
        Libc.SpawnAttrSetSigDefault(_attr, set);
    }

    /// <summary>
    /// Spawns the start (<paramref name="ended"/> null) or the reset of <paramref name="sub"/>.
    /// On <see cref="SpawnResult.Started"/> the sub-service's Pid and PidFd are set; otherwise
    /// <paramref name="errno"/> says why.
    /// </summary>
    public SpawnResult Spawn(Subservice sub, Termination? ended, long svSeconds, out int errno)
    {
        Service svc = sub.Owner;
        errno = 0;
        _used = 0;
        byte* script = Put(sub.IsLog ? "./rc.log\0"u8 : "./rc.main\0"u8);
        bool start = ended is null;
        if (start)
        {
            // The shell cannot tell us that the runscript failed to exec: check first.
            if (Native.FaccessAt(svc.DirectoryFd, script + 2, Native.X_OK, 0) != 0)
            {
                errno = Native.Errno;
                _used = 0;
                return SpawnResult.ExecFailed;
            }
        }

        byte** argv = stackalloc byte*[10];
        int argc = 0;
        byte* path;
        byte* svpid = null, svsecs = null;
        if (start)
        {
            path = Put(ShellPath);
            argv[argc++] = path;
            argv[argc++] = Put("-c\0"u8);
            argv[argc++] = Put(_trampoline);
            argv[argc++] = script;
            argv[argc++] = Put("start\0"u8);
            argv[argc++] = PutName(svc.Name);
        }
        else
        {
            path = script;
            var t = ended!.Value;
            argv[argc++] = script;
            argv[argc++] = Put("reset\0"u8);
            argv[argc++] = PutName(svc.Name);
            if (t.IsUnknown)
            {
                argv[argc++] = Put("unknown\0"u8);
            }
            else
            {
                argv[argc++] = Put(t.Signaled ? "signal\0"u8 : "exit\0"u8);
                argv[argc++] = PutNumber(t.Value);
                if (t.Signaled) argv[argc++] = PutAscii(SignalNames.Name(t.Value));
            }
            svpid = PutEnv("PERP_SVPID=", sub.PreviousPid);
            svsecs = PutEnv("PERP_SVSECS=", svSeconds);
        }
        argv[argc] = null;
        byte** envp = _environment.With(svpid, svsecs);

        Libc.FileActionsInit(_actions);
        int pid = 0, rc;
        try
        {
            Native.FileActionsAddFchdir(_actions, svc.DirectoryFd);
            if (svc.HasLog)
            {
                if (!sub.IsLog && svc.LogPipeWrite >= 0) Libc.FileActionsAddDup2(_actions, svc.LogPipeWrite, 1);
                else if (sub.IsLog && start && svc.LogPipeRead >= 0) Libc.FileActionsAddDup2(_actions, svc.LogPipeRead, 0);
            }
            Libc.FileActionsAddCloseFrom(_actions, 3);
            rc = Libc.PosixSpawn(&pid, path, _actions, _attr, argv, envp);
        }
        finally
        {
            Libc.FileActionsDestroy(_actions);
            _used = 0;
        }
        if (rc != 0)
        {
            errno = rc;
            return rc is Errno.EAGAIN or Errno.ENOMEM ? SpawnResult.ForkFailed : SpawnResult.ExecFailed;
        }
        sub.Pid = pid;
        sub.PidFd = Libc.PidfdOpen(pid, 0); // pidfds are always close-on-exec
        sub.PidFdErrno = sub.PidFd < 0 ? Native.Errno : 0;
        if (sub.PidFd >= PidFdCeiling)
        {
            // Keep the last descriptors for service directories, pipes and clients: past the
            // ceiling a child is watched through SIGCHLD instead (see Supervisor.Watch).
            Libc.Close(sub.PidFd);
            sub.PidFd = -1;
            sub.PidFdErrno = 0;
        }
        return SpawnResult.Started;
    }

    private int _used;

    /// <summary>
    /// Descriptors at or above this number are not used for pidfds: the soft RLIMIT_NOFILE
    /// minus a reserve of 64 for directories, pipes and clients.
    /// </summary>
    public int PidFdCeiling { get; set; } = int.MaxValue;

    /// <summary>The sh -c text that sets PERP_SVPID to the shell's pid and execs the runscript.</summary>
    private static byte[] MakeTrampoline(byte[]? pwd)
    {
        var text = new List<byte>();
        if (pwd is null) text.AddRange("unset PWD; "u8.ToArray());
        else
        {
            text.AddRange("PWD='"u8.ToArray());
            foreach (byte b in pwd)
            {
                if (b == (byte)'\'') text.AddRange("'\\''"u8.ToArray());
                else text.Add(b);
            }
            text.AddRange("'; export PWD; "u8.ToArray());
        }
        text.AddRange("PERP_SVPID=$$; export PERP_SVPID; exec \"$0\" \"$@\"\0"u8.ToArray());
        return text.ToArray();
    }

    private byte* Put(ReadOnlySpan<byte> zeroTerminated)
    {
        byte* p = _scratch + _used;
        zeroTerminated.CopyTo(new Span<byte>(p, ScratchSize - _used));
        _used += zeroTerminated.Length;
        return p;
    }

    private byte* PutName(ReadOnlySpan<byte> name)
    {
        byte* p = _scratch + _used;
        name.CopyTo(new Span<byte>(p, ScratchSize - _used));
        _used += name.Length;
        _scratch[_used++] = 0;
        return p;
    }

    private byte* PutAscii(string s)
    {
        byte* p = _scratch + _used;
        foreach (char c in s) _scratch[_used++] = (byte)c;
        _scratch[_used++] = 0;
        return p;
    }

    private byte* PutNumber(long n)
    {
        byte* p = _scratch + _used;
        n.TryFormat(new Span<byte>(p, 24), out int w);
        _used += w;
        _scratch[_used++] = 0;
        return p;
    }

    private byte* PutEnv(string name, long value)
    {
        byte* p = PutAscii(name);
        _used--; // drop the NUL: the number follows
        PutNumber(value);
        return p;
    }

    public void Dispose()
    {
        NativeMemory.Free(_attr);
        NativeMemory.Free(_actions);
        NativeMemory.Free(_scratch);
    }
}
