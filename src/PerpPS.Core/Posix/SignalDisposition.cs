using PerpPS.Core.Interop;

namespace PerpPS.Core.Posix;

/// <summary>
/// Inherited signal dispositions. A signal ignored when a program starts stays ignored across
/// exec: a shell's background job has SIGINT and SIGQUIT ignored, nohup adds SIGHUP, and a
/// careless parent may ignore anything. The .NET runtime then installs no handler for it
/// (a PosixSignalRegistration of an ignored signal never fires), and a blocked or ignored
/// signal never reaches signalfd either. A program for which a signal is a command (perpd's
/// SIGHUP rescan, tinylog's SIGHUP rotation, perpboot's forwarding) puts SIG_DFL back before it
/// catches it, as svlogd's and s6's sig_catch install their handlers whatever was inherited.
/// </summary>
public static unsafe class SignalDisposition
{
    /// <summary>
    /// If <paramref name="signal"/> is ignored now, makes it SIG_DFL again and returns true;
    /// any other disposition (SIG_DFL, a handler the runtime installed) is left alone.
    /// </summary>
    public static bool ResetIgnored(int signal)
    {
        byte* old = stackalloc byte[Libc.SigActionSize];
        if (Libc.SigAction(signal, null, old) != 0 || *(nint*)old != Libc.SIG_IGN) return false;
        Libc.Signal(signal, Libc.SIG_DFL);
        return true;
    }
}
