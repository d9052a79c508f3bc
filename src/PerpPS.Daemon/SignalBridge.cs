using PerpPS.Core.Interop;
using PerpPS.Core.Posix;
using System.Runtime.InteropServices;
using PerpPS.Daemon.Interop;

namespace PerpPS.Daemon;

/// <summary>
/// Turns SIGTERM, SIGINT, SIGHUP and SIGUSR2 (upgrade: <see cref="Handover"/>) into flags plus a poke of the loop's eventfd (spec §2.4).
/// .NET delivers PosixSignalRegistration callbacks on its own signal thread; the callback
/// only sets a bit and writes the eventfd, so all state stays with the loop thread.
/// Cancelling the default action keeps the runtime from exiting on SIGTERM/SIGINT.
/// SIGPIPE is already ignored by the runtime; SIGCHLD only once a child got no pidfd (<see cref="WatchChildren"/>).
/// </summary>
internal sealed class SignalBridge : IDisposable
{
    public const int Terminate = 1, Hangup = 2, Child = 4, Upgrade = 8;

    private readonly int _wakeupFd;
    private readonly PosixSignalRegistration[] _registrations;
    private PosixSignalRegistration? _child;
    private int _pending;

    public SignalBridge(int wakeupFd)
    {
        _wakeupFd = wakeupFd;
        ResetInherited();
        _registrations =
        [
            PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnTerminate),
            PosixSignalRegistration.Create(PosixSignal.SIGINT, OnTerminate),
            PosixSignalRegistration.Create(PosixSignal.SIGHUP, OnHangup),
            PosixSignalRegistration.Create((PosixSignal)SignalNames.SIGUSR2, OnUpgrade),
        ];
        // Only now: a signal left pending across an upgrade's exec reaches these handlers, not SIG_DFL.
        UnblockAll();
    }

    /// <summary>
    /// Puts back what perpd's caller may have changed (issue #11, hostile inheritance): every
    /// inherited SIG_IGN becomes SIG_DFL and the signal mask is emptied. A shell starting
    /// perpd in the background leaves SIGINT and SIGQUIT ignored (nohup: SIGHUP); a container
    /// runtime or a careless parent may ignore SIGCHLD, and then the kernel reaps every child
    /// itself: waitid finds nothing, the exit statuses are lost. A blocked SIGTERM would keep
    /// perpd from ever stopping (the mask is emptied once the handlers are in place: <see cref="UnblockAll"/>). Only SIGPIPE stays ignored: the .NET runtime ignores it on
    /// purpose (a write to a closed socket must return EPIPE). Handlers the runtime installed
    /// (SIGSEGV and friends) are not SIG_IGN and are left alone; 32 and 33 are glibc's.
    /// </summary>
    public static void ResetInherited()
    {
        for (int sig = 1; sig <= 64; sig++)
        {
            if (sig is 9 or 19 or 13 or 32 or 33) continue; // KILL, STOP: fixed; PIPE: the runtime's
            SignalDisposition.ResetIgnored(sig);
        }
    }

    /// <summary>Empties the signal mask (inherited, or blocked by the upgrade's exec).</summary>
    public static unsafe void UnblockAll()
    {
        byte* empty = stackalloc byte[Libc.SigSetSize];
        Libc.SigEmptySet(empty);
        Native.SigProcMask(Native.SIG_SETMASK, empty, null);
    }

    /// <summary>
    /// Starts reporting SIGCHLD (as <see cref="Child"/>) and reports one at once, so a child
    /// that ended before the registration is not missed. Only needed when some child could
    /// not get a pidfd: normally pidfds report every exit and SIGCHLD stays unwatched.
    /// </summary>
    public void WatchChildren()
    {
        if (_child != null) return;
        _child = PosixSignalRegistration.Create(PosixSignal.SIGCHLD, OnChild);
        Interlocked.Or(ref _pending, Child);
        EventLoop.Poke(_wakeupFd);
    }

    private void OnChild(PosixSignalContext context) => Raise(context, Child);

    private void OnTerminate(PosixSignalContext context) => Raise(context, Terminate);

    private void OnHangup(PosixSignalContext context) => Raise(context, Hangup);

    private void OnUpgrade(PosixSignalContext context) => Raise(context, Upgrade);

    private void Raise(PosixSignalContext context, int bit)
    {
        context.Cancel = true;
        Interlocked.Or(ref _pending, bit);
        EventLoop.Poke(_wakeupFd);
    }

    /// <summary>The signals seen since the last call, cleared.</summary>
    public int Take() => Interlocked.Exchange(ref _pending, 0);

    public void Dispose()
    {
        foreach (var r in _registrations) r.Dispose();
        _child?.Dispose();
    }
}
