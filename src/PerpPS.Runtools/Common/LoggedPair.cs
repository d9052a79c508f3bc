using PerpPS.Core.Interop;
using PerpPS.Core.Posix;
using PerpPS.Runtools.Interop;

namespace PerpPS.Runtools.Common;

/// <summary>
/// A program and its logger joined by a pipe, both restarted when they die (at most once
/// a second each): the loop of perpboot (rc.perp + rc.log) and rundeux. Caught signals are
/// forwarded to the program; TERM or INT ends the supervision: the program is told (and
/// CONTinued), the pipe is closed so the logger reads EOF, and the logger is waited for.
/// </summary>
internal sealed unsafe class LoggedPair
{
    public static readonly int[] CaughtSignals =
    {
        SignalNames.SIGTERM, SignalNames.SIGINT, SignalNames.SIGALRM, SignalNames.SIGCONT, SignalNames.SIGHUP,
        SignalNames.SIGQUIT, SignalNames.SIGTSTP, SignalNames.SIGUSR1, SignalNames.SIGUSR2,
    };

    private readonly Tool _tool;
    private readonly ChildSlot _program;
    private readonly ChildSlot _logger;
    private readonly int[] _pipe;

    /// <param name="pipe">The pipe both ends of which this process holds for the pair's life.</param>
    public LoggedPair(Tool tool, ChildSlot program, ChildSlot logger, int[] pipe)
    {
        _tool = tool;
        _program = program;
        _logger = logger;
        _pipe = pipe;
    }

    /// <summary>perpboot forwards TERM/INT as they came; rundeux always sends TERM.</summary>
    public bool ForwardStopSignalAsIs { get; init; }

    /// <summary>perpboot waits for the program to exit on TERM; rundeux waits for the logger only.</summary>
    public bool WaitForProgram { get; init; }

    /// <summary>Supervises until TERM/INT; returns the exit code (0).</summary>
    public int Run()
    {
        using var signals = new SignalFlags(CaughtSignals);
        Func<bool> stopping = () => signals.Peek(SignalNames.SIGTERM) || signals.Peek(SignalNames.SIGINT);
        _logger.Start(_tool, stopping);
        _program.Start(_tool, stopping);
        Libc.PollFd* fds = stackalloc Libc.PollFd[3];
        while (true)
        {
            fds[0] = new Libc.PollFd { Fd = signals.Fd, Events = Libc.POLLIN };
            fds[1] = new Libc.PollFd { Fd = _logger.PidFd, Events = Libc.POLLIN };
            fds[2] = new Libc.PollFd { Fd = _program.PidFd, Events = Libc.POLLIN };
            // Every event has a descriptor, so an idle supervisor sleeps in poll() for good;
            // only a child without a pidfd (pidfd_open refused) needs a periodic look.
            Libc.Poll(fds, 3, _logger.PidFd < 0 || _program.PidFd < 0 ? 1000 : -1);
            signals.Drain();

            int stopSignal = 0;
            foreach (int s in CaughtSignals)
            {
                if (signals.Take(s) == 0) continue;
                if (s == SignalNames.SIGTERM || s == SignalNames.SIGINT) stopSignal = s;
                else _program.Signal(s);
            }
            if (stopSignal != 0) return Stop(stopSignal);

            if (_logger.TryReap() || !_logger.Running) _logger.Start(_tool, stopping);
            if (_program.TryReap() || !_program.Running) _program.Start(_tool, stopping);
        }
    }

    private int Stop(int signal)
    {
        _program.Signal(ForwardStopSignalAsIs ? signal : SignalNames.SIGTERM);
        _program.Signal(SignalNames.SIGCONT);
        if (WaitForProgram) _program.WaitExit();
        Libc.Close(_pipe[1]);
        Libc.Close(_pipe[0]);
        _logger.Signal(SignalNames.SIGCONT);
        _logger.WaitExit();
        return 0;
    }

    /// <summary>A close-on-exec pipe: [read, write].</summary>
    public static int[] MakePipe(Tool tool)
    {
        int* fds = stackalloc int[2];
        if (Libc.Pipe2(fds, Libc.O_CLOEXEC) != 0)
            throw tool.Fatal("failure pipe()", System.Runtime.InteropServices.Marshal.GetLastPInvokeError());
        return new[] { fds[0], fds[1] };
    }
}
