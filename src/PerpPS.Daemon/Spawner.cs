using System.Runtime.InteropServices;
using PerpPS.Core.Interop;
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

/// <summary>How a start whose child slept the governor's hold-back ended (Spawner.TakeReport).</summary>
internal enum HeldStart
{
    /// <summary>The start exec'd at once (no sleep, no report).</summary>
    NotHeld,
    /// <summary>The child reached its exec: the runscript ran.</summary>
    Execed,
    /// <summary>The child died before its exec (stopped or killed while it slept): nothing ran.</summary>
    NeverExeced,
    /// <summary>A step before the exec, or the exec itself, failed (perp's exit 111 path).</summary>
    Failed,
}

/// <summary>One entry of a spawn's descriptor plan: the child's fd <paramref name="Target"/> := perpd's <paramref name="Source"/>.</summary>
internal readonly record struct FdAssignment(int Target, int Source);

/// <summary>
/// Starts runscripts exactly as spec §3.2–§3.3 say, through the C shim
/// (<c>Native/perpd_spawn.c</c>, <see cref="SpawnShim"/>), never by forking managed code.
/// Every spawn, in the child, in perp's order:
/// <list type="number">
/// <item>into the service's cgroup, atomically with its creation (clone3 CLONE_INTO_CGROUP),
/// when perpd contains services by cgroup;</item>
/// <item>setsid: a new session and process group;</item>
/// <item>fchdir into the service directory's open descriptor (works after a rename or
/// deletion, like perp's fchdir);</item>
/// <item>the descriptor plan: the log pipe (main, start and reset: write end on fd 1; log
/// start: read end on fd 0), then any extra descriptors a caller asked for (e.g. a
/// readiness pipe as fd N); everything else from fd 3 up is closed (fd 0 is perpd's
/// /dev/null, 1 and 2 perpd's stdout/stderr);</item>
/// <item>every signal 1–64 to its default, an empty mask;</item>
/// <item>argv <c>./rc.X start NAME</c>, <c>./rc.X reset NAME exit N</c> or
/// <c>./rc.X reset NAME signal N SIGNAME</c>, NAME the 31-byte name; the environment of
/// <see cref="EnvironmentBlock"/> plus PERP_SVPID (and PERP_SVSECS for a reset);</item>
/// <item>execve of the runscript itself: two execs per service as perp, no shell.</item>
/// </list>
/// PERP_SVPID of a start is the runscript's own pid: the shim writes it in the child,
/// the one place that knows it before exec. The child reports a failing step and its
/// errno through the memory it shares with perpd until exec (CLONE_VFORK), so a missing or
/// non-executable runscript gets perp's <c>failure execve()</c> line and the exit-111 path.
/// The pidfd comes from the clone itself (CLONE_PIDFD).
/// </summary>
internal sealed unsafe class Spawner : IDisposable
{
    /// <summary>Room for one spawn's argv strings: names and numbers.</summary>
    private const int ScratchSize = 1024;

    private readonly SpawnShim.Request* _request;
    private readonly byte* _scratch;
    private readonly EnvironmentBlock _environment;
    private readonly int _maxFd;
    private int _used;

    public Spawner(EnvironmentBlock environment)
    {
        _environment = environment;
        _request = (SpawnShim.Request*)NativeMemory.AllocZeroed((nuint)sizeof(SpawnShim.Request));
        _scratch = (byte*)NativeMemory.AllocZeroed(ScratchSize);
        Libc.RLimit limit;
        _maxFd = Libc.GetRLimit(Libc.RLIMIT_NOFILE, &limit) == 0 && limit.Current < int.MaxValue ? (int)limit.Current : 1 << 20;
    }

    /// <summary>The step of the last failed spawn (<see cref="SpawnShim"/>'s Step constants).</summary>
    public int FailedStep { get; private set; }

    /// <summary>For a failed dup2: the child's descriptor that could not be set.</summary>
    public int FailedFd { get; private set; }

    /// <summary>
    /// Spawns the start (<paramref name="ended"/> null) or the reset of <paramref name="sub"/>,
    /// in <paramref name="cgroupFd"/> (a cgroup directory, -1 for none), with
    /// <paramref name="extraFds"/> added to the descriptor plan (targets 3 and up).
    /// On <see cref="SpawnResult.Started"/> the sub-service's Pid and PidFd are set; otherwise
    /// <paramref name="errno"/> says why (and <see cref="FailedStep"/> where, for an exec failure).
    /// </summary>
    /// <param name="holdUntil">A start only: the CLOCK_MONOTONIC ns the child sleeps until before
    /// its exec (a real fork, see <see cref="TakeReport"/>); 0: exec at once (vfork).</param>
    public SpawnResult Spawn(Subservice sub, Termination? ended, long svSeconds, out int errno,
        int cgroupFd = -1, ReadOnlySpan<FdAssignment> extraFds = default, long holdUntil = 0)
    {
        Service svc = sub.Owner;
        errno = 0;
        FailedStep = SpawnShim.StepNone;
        FailedFd = -1;
        _used = 0;
        bool start = ended is null;
        byte** argv = stackalloc byte*[8];
        int argc = 0;
        byte* script = Put(sub.IsLog ? "./rc.log\0"u8 : "./rc.main\0"u8);
        argv[argc++] = script;
        byte* svpid, svsecs = null;
        if (start)
        {
            argv[argc++] = Put("start\0"u8);
            argv[argc++] = PutName(svc.Name);
            svpid = Put("PERP_SVPID=\0"u8); // the child writes its own pid in this slot
        }
        else
        {
            var t = ended!.Value;
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

        SpawnShim.Request* r = Request(script, argv, _environment.With(svpid, svsecs),
            start ? _environment.FixedCount : -1, svc.DirectoryFd, cgroupFd);
        int n = 0;
        if (svc.HasLog)
        {
            if (!sub.IsLog && svc.LogPipeWrite >= 0) Plan(r, ref n, 1, svc.LogPipeWrite);
            else if (sub.IsLog && start && svc.LogPipeRead >= 0) Plan(r, ref n, 0, svc.LogPipeRead);
        }
        foreach (var fd in extraFds)
        {
            if (fd.Target < 3 || n == SpawnShim.MaxFds) throw new ArgumentOutOfRangeException(nameof(extraFds), "extra descriptors are 3 and up, at most 15");
            Plan(r, ref n, fd.Target, fd.Source);
        }
        r->FdCount = n;

        int reportRead = -1;
        if (start && holdUntil > 0)
        {
            // The sleeping child's memory is its own: it reports through a pipe (TakeReport).
            int* fds = stackalloc int[2];
            if (Libc.Pipe2(fds, Libc.O_CLOEXEC | Libc.O_NONBLOCK) != 0)
            {
                errno = Native.Errno; // a start without a process: retried after perp's pause
                _used = 0;
                return SpawnResult.ForkFailed;
            }
            reportRead = fds[0];
            r->ReportFd = fds[1];
            r->HoldUntil = holdUntil;
        }
        var result = Launch(r, out int pid, out int pidFd, out int pidFdErrno, out errno);
        if (r->HoldUntil > 0) Libc.Close(r->ReportFd);
        if (result == SpawnResult.ForkFailed)
        {
            if (reportRead >= 0) Libc.Close(reportRead);
            return result;
        }
        sub.SpawnReport = reportRead;
        if (result == SpawnResult.ExecFailed)
        {
            FailedStep = r->FailedStep;
            FailedFd = r->FailedFd;
            return result;
        }
        sub.Pid = pid;
        sub.PidFd = pidFd;
        sub.PidFdErrno = pidFdErrno;
        return result;
    }

    /// <summary>
    /// Runs the shim on a prepared request: ForkFailed (no process; errno), ExecFailed (the
    /// child reported the step that failed; errno) or Started with the pid and its pidfd
    /// (-1 with pidFdErrno when none could be had, -1 alone past <see cref="PidFdCeiling"/>).
    /// </summary>
    private SpawnResult Launch(SpawnShim.Request* r, out int pid, out int pidFd, out int pidFdErrno, out int errno)
    {
        int rc = SpawnShim.Spawn(r);
        _used = 0;
        pid = 0;
        pidFd = -1;
        pidFdErrno = 0;
        errno = 0;
        if (rc != 0)
        {
            errno = rc;
            return SpawnResult.ForkFailed;
        }
        if (r->FailedStep != SpawnShim.StepNone)
        {
            errno = r->Error;
            return SpawnResult.ExecFailed;
        }
        pid = r->Pid;
        pidFd = r->PidFd;
        if (pidFd < 0)
        {
            // vfork fallback (no clone3): open the pidfd now; pidfds are always close-on-exec.
            pidFd = Libc.PidfdOpen(pid, 0);
            pidFdErrno = pidFd < 0 ? Native.Errno : 0;
        }
        if (pidFd >= PidFdCeiling)
        {
            // Keep the last descriptors for service directories, pipes and clients: past the
            // ceiling a child is watched through SIGCHLD instead (see Supervisor.Watch).
            Libc.Close(pidFd);
            pidFd = -1;
            pidFdErrno = 0;
        }
        return SpawnResult.Started;
    }

    /// <summary>The shim's request for one child: every runscript and check leads a new session in its directory.</summary>
    private SpawnShim.Request* Request(byte* path, byte** argv, byte** envp, int svpidIndex, int dirFd, int cgroupFd)
    {
        SpawnShim.Request* r = _request;
        r->Path = path;
        r->Argv = argv;
        r->Envp = envp;
        r->SvpidIndex = svpidIndex;
        r->DirFd = dirFd;
        r->CgroupFd = cgroupFd;
        r->NewSession = 1;
        r->MaxFd = _maxFd;
        r->HoldUntil = 0;
        r->ReportFd = -1;
        return r;
    }

    /// <summary>
    /// What a sleeping start's child reported, read once it has ended (and the pipe closed):
    /// <see cref="HeldStart.NotHeld"/> for a start that exec'd at once. The child writes one
    /// byte just before execve and a record (step, descriptor, errno: three ints) when a step
    /// fails; nothing at all when it died before its exec (killed while it slept).
    /// </summary>
    public static HeldStart TakeReport(Subservice sub, out int step, out int failedFd, out int errno)
    {
        step = SpawnShim.StepNone;
        failedFd = -1;
        errno = 0;
        int fd = sub.SpawnReport;
        if (fd < 0) return HeldStart.NotHeld;
        sub.SpawnReport = -1;
        int* buffer = stackalloc int[8];
        nint got = Libc.Read(fd, (byte*)buffer, 8 * sizeof(int));
        Libc.Close(fd);
        if (got >= 3 * sizeof(int))
        {
            // A failure record ends the report (after the exec byte when execve itself failed).
            int* record = (int*)((byte*)buffer + (got - 3 * sizeof(int)));
            step = record[0];
            failedFd = record[1];
            errno = record[2];
            return HeldStart.Failed;
        }
        return got > 0 ? HeldStart.Execed : HeldStart.NeverExeced;
    }

    private static void Plan(SpawnShim.Request* r, ref int n, int target, int source)
    {
        r->FdTarget[n] = target;
        r->FdSource[n] = source;
        n++;
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
        SpawnShim.Request* r = Request(script, argv, envp, -1, svc.DirectoryFd, -1);
        int n = 0;
        if (svc.HasLog && svc.LogPipeWrite >= 0) Plan(r, ref n, 1, svc.LogPipeWrite);
        r->FdCount = n;
        return Launch(r, out pid, out pidFd, out _, out errno);
    }

    /// <summary>
    /// Descriptors at or above this number are not used for pidfds: the soft RLIMIT_NOFILE
    /// minus a reserve of 64 for directories, pipes and clients.
    /// </summary>
    public int PidFdCeiling { get; set; } = int.MaxValue;

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
        NativeMemory.Free(_request);
        NativeMemory.Free(_scratch);
    }
}
