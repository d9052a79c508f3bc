using PerpPS.Core.Interop;
using PerpPS.Core.Posix;
using System.Runtime.InteropServices;
using PerpPS.Runtools.Interop;

namespace PerpPS.Runtools.Common;

/// <summary>
/// Signals turned into events for a poll() loop: the .NET handler (running on the runtime's
/// signal thread) counts the signal and pokes an eventfd, so a main loop blocked in poll()
/// wakes at once. Each caught signal's default action is cancelled.
/// </summary>
internal sealed unsafe class SignalFlags : IDisposable
{
    private readonly List<PosixSignalRegistration> _registrations = new();
    private readonly int[] _counts = new int[65];

    public SignalFlags(params int[] signals)
    {
        Fd = Libc.EventFd(0, Libc.EFD_CLOEXEC | Libc.EFD_NONBLOCK);
        if (Fd < 0) throw new PerpPS.Core.Posix.PosixException(Marshal.GetLastPInvokeError(), "failure eventfd()");
        // Each of these is a command to the tool: one ignored by whoever started it (nohup, a
        // background shell) would never arrive (Core's SignalDisposition). All of them before
        // the first registration: that one sets up the runtime's signal handling, which takes
        // SIGINT and SIGQUIT over only if they are not ignored at that moment.
        foreach (int s in signals) SignalDisposition.ResetIgnored(s);
        foreach (int s in signals)
        {
            int signal = s;
            _registrations.Add(PosixSignalRegistration.Create((PosixSignal)signal, ctx =>
            {
                ctx.Cancel = true;
                Interlocked.Increment(ref _counts[signal]);
                long one = 1;
                Libc.Write(Fd, (byte*)&one, 8);
            }));
        }
    }

    /// <summary>The eventfd to poll for readability.</summary>
    public int Fd { get; }

    /// <summary>Takes (and clears) how often <paramref name="signal"/> arrived since the last call.</summary>
    public int Take(int signal) => Interlocked.Exchange(ref _counts[signal], 0);

    /// <summary>True when <paramref name="signal"/> arrived and was not yet taken (leaves it set).</summary>
    public bool Peek(int signal) => Volatile.Read(ref _counts[signal]) > 0;

    /// <summary>Empties the eventfd after a wake-up.</summary>
    public void Drain()
    {
        long value;
        Libc.Read(Fd, (byte*)&value, 8);
    }

    public void Dispose()
    {
        foreach (var r in _registrations) r.Dispose();
        Libc.Close(Fd);
    }
}
