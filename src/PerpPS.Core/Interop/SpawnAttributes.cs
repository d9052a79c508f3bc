using System.Runtime.InteropServices;
using PerpPS.Core.Posix;

namespace PerpPS.Core.Interop;

/// <summary>
/// The one place that says how a PerpPS program's child starts as far as signals go, for
/// perpd, the runtools and the module alike: an empty signal mask and the default
/// disposition for every signal 1–64, real-time ones included, and optionally a new session.
/// <para>Why raw bits and not sigfillset: glibc's sigfillset leaves out its two internal
/// signals (32 and 33), and posix_spawn then sets them to SIG_IGN in the child — an ignore
/// that exec passes on to every program started (seen as <c>SigIgn 0x180000000</c>).</para>
/// The attribute object lives in native memory, made once and reused for any number of
/// spawns; <see cref="Pointer"/> is what posix_spawn takes.
/// </summary>
public sealed unsafe class SpawnAttributes : IDisposable
{
    /// <summary>Bit N-1 set for every signal N in 1..64: the sigset of "all signals" as the kernel counts them.</summary>
    public const ulong AllSignals = ulong.MaxValue;

    private void* _attr;

    /// <param name="newSession">POSIX_SPAWN_SETSID: the child leads a new session and process group.</param>
    /// <param name="cleanSignals">Empty mask and default dispositions (true for everything PerpPS starts).</param>
    public SpawnAttributes(bool newSession, bool cleanSignals = true)
    {
        _attr = NativeMemory.AllocZeroed(Libc.SpawnAttrSize);
        int rc = Libc.SpawnAttrInit(_attr);
        if (rc != 0)
        {
            NativeMemory.Free(_attr);
            _attr = null;
            throw new PosixException(rc, "failure posix_spawnattr_init()");
        }
        short flags = newSession ? Libc.POSIX_SPAWN_SETSID : (short)0;
        if (cleanSignals)
        {
            byte* set = stackalloc byte[Libc.SigSetSize];
            Libc.SigEmptySet(set);
            Check(Libc.SpawnAttrSetSigMask(_attr, set), "posix_spawnattr_setsigmask");
            FillAllSignals(set);
            Check(Libc.SpawnAttrSetSigDefault(_attr, set), "posix_spawnattr_setsigdefault");
            flags |= Libc.POSIX_SPAWN_SETSIGMASK | Libc.POSIX_SPAWN_SETSIGDEF;
        }
        Check(Libc.SpawnAttrSetFlags(_attr, flags), "posix_spawnattr_setflags");
    }

    // A child must never start with signals other than these attributes say: a failed call
    // (EINVAL, which only a bug here could cause) ends the attributes, not just the one call.
    private void Check(int rc, string call)
    {
        if (rc == 0) return;
        Dispose();
        throw new PosixException(rc, "failure " + call + "()");
    }

    /// <summary>The posix_spawnattr_t to pass to posix_spawn.</summary>
    public void* Pointer => _attr;

    /// <summary>Writes the sigset holding every signal 1–64 (SIGKILL and SIGSTOP too: the kernel ignores those) into <paramref name="set"/>.</summary>
    public static void FillAllSignals(byte* set)
    {
        new Span<byte>(set, Libc.SigSetSize).Clear();
        *(ulong*)set = AllSignals;
    }

    public void Dispose()
    {
        if (_attr == null) return;
        // glibc's destroy frees nothing and cannot fail; the memory is ours to free.
        _ = Libc.SpawnAttrDestroy(_attr);
        NativeMemory.Free(_attr);
        _attr = null;
    }
}

/// <summary>
/// posix_spawn file actions whose every addition is checked: the first failing call's
/// error number is kept in <see cref="Error"/>, and a caller must not spawn while it is
/// set (an fchdir that could not be queued would start the program in the wrong
/// directory). Reusable: <see cref="Reset"/> empties it for the next spawn.
/// </summary>
public sealed unsafe class SpawnFileActions : IDisposable
{
    private void* _actions;

    public SpawnFileActions()
    {
        _actions = NativeMemory.AllocZeroed(Libc.FileActionsSize);
        Check(Libc.FileActionsInit(_actions), "posix_spawn_file_actions_init");
    }

    /// <summary>The error number of the first addition that failed, 0 while all succeeded.</summary>
    public int Error { get; private set; }

    /// <summary>The name of the call that failed first (for messages), null while none did.</summary>
    public string? FailedCall { get; private set; }

    /// <summary>The posix_spawn_file_actions_t to pass to posix_spawn.</summary>
    public void* Pointer => _actions;

    public void AddDup2(int source, int target) =>
        Check(Libc.FileActionsAddDup2(_actions, source, target), "posix_spawn_file_actions_adddup2");

    public void AddOpen(int target, byte* path, int flags, uint mode) =>
        Check(Libc.FileActionsAddOpen(_actions, target, path, flags, mode), "posix_spawn_file_actions_addopen");

    public void AddFchdir(int directoryFd) =>
        Check(Libc.FileActionsAddFchdir(_actions, directoryFd), "posix_spawn_file_actions_addfchdir_np");

    /// <summary>Closes one fd in the child; glibc ignores EBADF there (an fd that is not open).</summary>
    public void AddClose(int fd) =>
        Check(Libc.FileActionsAddClose(_actions, fd), "posix_spawn_file_actions_addclose");

    public void AddCloseFrom(int from) =>
        Check(Libc.FileActionsAddCloseFrom(_actions, from), "posix_spawn_file_actions_addclosefrom_np");

    /// <summary>Forgets every action and any error, ready for the next spawn.</summary>
    public void Reset()
    {
        // Destroy frees the queued actions and cannot fail on an initialised object.
        _ = Libc.FileActionsDestroy(_actions);
        Error = 0;
        FailedCall = null;
        Check(Libc.FileActionsInit(_actions), "posix_spawn_file_actions_init");
    }

    private void Check(int rc, string call)
    {
        if (rc == 0 || Error != 0) return;
        Error = rc;
        FailedCall = call;
    }

    public void Dispose()
    {
        if (_actions == null) return;
        _ = Libc.FileActionsDestroy(_actions); // frees what the additions queued; cannot fail
        NativeMemory.Free(_actions);
        _actions = null;
    }
}
