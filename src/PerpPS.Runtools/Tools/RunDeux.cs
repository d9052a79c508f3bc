using PerpPS.Core.Interop;
using PerpPS.Runtools.Common;
using PerpPS.Runtools.Interop;

namespace PerpPS.Runtools.Tools;

/// <summary>
/// rundeux [-d] [-L label] [-S sep] [-x] program [args] :: logger [args]: runs program with
/// its stdout piped into logger, restarting either when it dies (spec §13). Signals are
/// forwarded to program; TERM/INT stop it and end once the logger has drained the pipe.
/// -x execs program in place after starting the logger. Decision: a command line without
/// the separator is a usage error (100); perp dereferenced a null pointer.
/// </summary>
internal static class RunDeux
{
    public static int Run(string name, string[] args)
    {
        var tool = new Tool(name, "[-hV] [-d] [-L label] [-S sep] [-x] program [args ...] :: logger [args ...]");
        var opts = new OptionParser(tool, args, "dL:S:x");
        bool detach = false, execInPlace = false;
        string separator = "::";
        while (opts.Next(out char o, out string? a))
        {
            switch (o)
            {
                case 'd': detach = true; break;
                case 'x': execInPlace = true; break;
                case 'S': separator = a!; break;
            }
        }
        string[] rest = opts.Rest;
        if (rest.Length < 3) throw tool.Usage("missing arguments");
        int sep = Array.IndexOf(rest, separator);
        if (sep <= 0 || sep == rest.Length - 1) throw tool.Usage($"missing program or logger around separator {separator}");
        string[] program = rest[..sep], logger = rest[(sep + 1)..];
        if (detach) return SelfDetach.Respawn(tool, 'd', opts.Seen, rest);

        var env = Environ.Current();
        int[] pipe = LoggedPair.MakePipe(tool);
        var loggerSlot = new ChildSlot(logger[0], () =>
        {
            var plan = new SpawnPlan();
            plan.Dups.Add((0, pipe[0]));
            return Spawner.Spawn(logger[0], logger, env, plan);
        });
        if (execInPlace)
        {
            loggerSlot.Start(tool, ChildSlot.OnlyOnce());
            Libc.Dup2(pipe[1], 1);
            throw Exec.Run(tool, program[0], program, env);
        }
        var programSlot = new ChildSlot(program[0], () =>
        {
            var plan = new SpawnPlan();
            plan.Dups.Add((1, pipe[1]));
            return Spawner.Spawn(program[0], program, env, plan);
        });
        return new LoggedPair(tool, programSlot, loggerSlot, pipe).Run();
    }
}
