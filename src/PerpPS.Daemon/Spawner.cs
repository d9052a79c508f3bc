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

    private readonly SpawnAttributes _attr = new(newSession: true);
    private readonly SpawnFileActions _actions = new();
    private readonly byte* _scratch;
    private readonly EnvironmentBlock _environment;

    public Spawner(EnvironmentBlock environment)
    {
        _environment = environment;
        _trampoline = MakeTrampoline(environment.OriginalPwd);
        ScratchSize = 1024 + _trampoline.Length;
        _scratch = (byte*)NativeMemory.AllocZeroed((nuint)ScratchSize);
    }

    /// <summary>
    /// Spawns the start (<paramref name="ended"/> null) or the reset of <paramref name="sub"/>.
    /// On <see cref="SpawnResult.Started"/> the sub-service's Pid and PidFd are set; otherwise
    /// <paramref name="errno"/> says why.
    /// </summary>
    public SpawnResult Spawn(Subservice sub, Termination? ended, long svSeconds, out int errno) =>
        Spawn(sub, ended, svSeconds, -1, -1, out errno);

    /// <summary>
    /// As above; for a start, <paramref name="extraFd"/> (if not -1) becomes fd
    /// <paramref name="extraTarget"/> of the child (notification-fd), every other fd above 2 closed.
    /// </summary>
    public SpawnResult Spawn(Subservice sub, Termination? ended, long svSeconds, int extraFd, int extraTarget, out int errno)
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
            argv[argc++] = Put(t.Signaled ? "signal\0"u8 : "exit\0"u8);
            argv[argc++] = PutNumber(t.Value);
            if (t.Signaled) argv[argc++] = PutAscii(SignalNames.Name(t.Value));
            svpid = PutEnv("PERP_SVPID=", sub.PreviousPid);
            svsecs = PutEnv("PERP_SVSECS=", svSeconds);
        }
        argv[argc] = null;
        byte** envp = _environment.With(svpid, svsecs);

        int pid = 0, rc;
        try
        {
            _actions.AddFchdir(svc.DirectoryFd);
            if (svc.HasLog)
            {
                if (!sub.IsLog && svc.LogPipeWrite >= 0) _actions.AddDup2(svc.LogPipeWrite, 1);
                else if (sub.IsLog && start && svc.LogPipeRead >= 0) _actions.AddDup2(svc.LogPipeRead, 0);
            }
            CloseAbove2(extraFd, extraTarget);
            // An action that could not be queued (an fchdir lost would start the service in
            // the base directory) is a failed start, never a start without it.
            rc = _actions.Error != 0 ? _actions.Error : Libc.PosixSpawn(&pid, path, _actions.Pointer, _attr.Pointer, argv, envp);
        }
        finally
        {
            _actions.Reset();
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
    /// File actions that leave nothing above fd 2 open but, when given, <paramref name="extraFd"/>
    /// as <paramref name="target"/> (dup2 clears close-on-exec; closing an fd that is not open is ignored).
    /// </summary>
    private void CloseAbove2(int extraFd, int target)
    {
        if (extraFd < 0 || target < 3)
        {
            _actions.AddCloseFrom(3);
            return;
        }
        _actions.AddDup2(extraFd, target);
        for (int fd = 3; fd < target; fd++) _actions.AddClose(fd);
        _actions.AddCloseFrom(target + 1);
    }

    /// <summary>
    /// Spawns a service's health check, <c>./check</c> in its directory, in a new session, with
    /// PERP_SVPID (main's pid) in its environment and stdout on the log pipe when there is one.
    /// </summary>
    public SpawnResult SpawnCheck(Service svc, int mainPid, out int pid, out int pidFd, out int errno)
    {
        errno = 0;
        pid = 0;
        pidFd = -1;
        _used = 0;
        byte* script = Put("./check\0"u8);
        byte** argv = stackalloc byte*[2];
        argv[0] = script;
        argv[1] = null;
        byte* svpid = PutEnv("PERP_SVPID=", mainPid);
        byte** envp = _environment.With(svpid, null);
        int child = 0, rc;
        try
        {
            _actions.AddFchdir(svc.DirectoryFd);
            if (svc.HasLog && svc.LogPipeWrite >= 0) _actions.AddDup2(svc.LogPipeWrite, 1);
            _actions.AddCloseFrom(3);
            rc = _actions.Error != 0 ? _actions.Error : Libc.PosixSpawn(&child, script, _actions.Pointer, _attr.Pointer, argv, envp);
        }
        finally
        {
            _actions.Reset();
            _used = 0;
        }
        if (rc != 0)
        {
            errno = rc;
            return rc is Errno.EAGAIN or 12 ? SpawnResult.ForkFailed : SpawnResult.ExecFailed;
        }
        pid = child;
        pidFd = Libc.PidfdOpen(child, 0);
        if (pidFd >= PidFdCeiling)
        {
            Libc.Close(pidFd);
            pidFd = -1;
        }
        return SpawnResult.Started;
    }

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
        _attr.Dispose();
        _actions.Dispose();
        NativeMemory.Free(_scratch);
    }
}
