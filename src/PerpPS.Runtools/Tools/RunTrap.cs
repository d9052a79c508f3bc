using PerpPS.Core.Interop;
using PerpPS.Core.Posix;
using PerpPS.Runtools.Common;
using PerpPS.Runtools.Interop;

namespace PerpPS.Runtools.Tools;

/// <summary>
/// runtrap id trapper program [args]: supervises program (restarted at most once a second)
/// and hands each caught signal to <c>trapper trap ID PID SIGNUM SIGNAME</c>, run to
/// completion; the signal itself is not forwarded — the trapper decides (spec §13).
/// SIGTERM also marks termination: runtrap exits 0 once program has exited. perp runs the
/// trapper inside its signal handler; PerpPS runs it from the main loop as soon as the
/// signal is seen, which is the same sequence for the trapper and the program.
/// </summary>
internal static unsafe class RunTrap
{
    public static int Run(string name, string[] args)
    {
        var tool = new Tool(name, "[-hV] id trapper program [args ...]");
        string[] rest = OptionParser.Operands(tool, args, "", 3);
        string id = rest[0], trapper = rest[1];
        string[] program = rest[2..];
        var env = Environ.Current();

        using var signals = new SignalFlags(LoggedPair.CaughtSignals);
        bool terminating = false;
        var child = new ChildSlot(program[0], () => Spawner.Spawn(program[0], program, env, new SpawnPlan()));
        Func<bool> stopping = () => terminating || signals.Peek(SignalNames.SIGTERM);
        child.Start(tool, stopping);
        Libc.PollFd* fds = stackalloc Libc.PollFd[2];
        while (true)
        {
            fds[0] = new Libc.PollFd { Fd = signals.Fd, Events = Libc.POLLIN };
            fds[1] = new Libc.PollFd { Fd = child.PidFd, Events = Libc.POLLIN };
            Libc.Poll(fds, 2, child.PidFd < 0 ? 1000 : -1);
            signals.Drain();
            foreach (int s in LoggedPair.CaughtSignals)
            {
                for (int n = signals.Take(s); n > 0; n--)
                {
                    if (s == SignalNames.SIGTERM) terminating = true;
                    Trap(tool, trapper, id, child, s, env);
                }
            }
            if (child.TryReap() || !child.Running)
            {
                if (terminating) return 0;
                child.Start(tool, stopping);
            }
        }
    }

    private static void Trap(Tool tool, string trapper, string id, ChildSlot child, int signal, Environ env)
    {
        string sigName = SignalNames.Name(signal);
        if (!child.Running || child.TryReap())
        {
            tool.Warn($"child not running, discarding signal {sigName}");
            return;
        }
        tool.Warn($"do_trap() on signal {sigName}");
        var argv = new[] { trapper, "trap", id, child.Pid.ToString(), signal.ToString(), sigName };
        int pid = Spawner.Spawn(trapper, argv, env, new SpawnPlan());
        if (pid < 0)
        {
            tool.Warn($"unable to run trapper {trapper}: {Errno.Describe(-pid)}");
            return;
        }
        Spawner.WaitFor(pid);
        tool.Warn($"trapper completion on signal {sigName}");
    }
}
