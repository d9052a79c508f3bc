using PerpPS.Core.Interop;
using System.Runtime.InteropServices;

namespace PerpPS.Daemon;

/// <summary>
/// Turns SIGTERM, SIGINT and SIGHUP into flags plus a poke of the loop's eventfd (spec §2.4).
/// .NET delivers PosixSignalRegistration callbacks on its own signal thread; the callback
/// only sets a bit and writes the eventfd, so all state stays with the loop thread.
/// Cancelling the default action keeps the runtime from exiting on SIGTERM/SIGINT.
/// SIGPIPE is already ignored by the runtime; SIGCHLD only once a child got no pidfd (<see cref="WatchChildren"/>).
/// </summary>
internal sealed class SignalBridge : IDisposable
{
    public const int Terminate = 1, Hangup = 2, Child = 4;

    private readonly int _wakeupFd;
    private readonly PosixSignalRegistration[] _registrations;
    private PosixSignalRegistration? _child;
    private int _pending;

    public SignalBridge(int wakeupFd)
    {
        _wakeupFd = wakeupFd;
        // A shell starting perpd in the background leaves SIGINT (and nohup SIGHUP) ignored,
        // and .NET keeps an inherited ignore. perp catches them regardless: so do we.
        Libc.Signal(1, 0);
        Libc.Signal(2, 0);
        Libc.Signal(15, 0);
        _registrations =
        [
            PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnTerminate),
            PosixSignalRegistration.Create(PosixSignal.SIGINT, OnTerminate),
            PosixSignalRegistration.Create(PosixSignal.SIGHUP, OnHangup),
        ];
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
