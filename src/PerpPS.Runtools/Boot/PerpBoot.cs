using System.Runtime.InteropServices;
using PerpPS.Core.Interop;
using PerpPS.Runtools.Common;
using PerpPS.Runtools.Interop;

namespace PerpPS.Runtools.Boot;

/// <summary>
/// perpboot [-hV] [-dx] [basedir]: starts perpd at boot (spec §11.1). In BASE/.boot it runs
/// ./rc.log and ./rc.perp (no arguments) joined by a pipe — rc.perp's stdout and stderr
/// into rc.log's stdin — with PERP_BASE set, umask 0, other descriptors on /dev/null or
/// closed, default signal dispositions; restarts whichever dies (at most once a second)
/// and forwards signals to rc.perp. -x runs only the logger and execs rc.perp in place;
/// -d detaches first (a new session, the caller gets 0 at once).
/// </summary>
internal static unsafe class PerpBoot
{
    /// <summary>rc.perp runs with no arguments (its argv[0] only).</summary>
    private static readonly string[] RcPerpArgv = ["./rc.perp"];

    public static int Run(string name, string[] args)
    {
        var tool = new Tool(name, "[-hV] [-dx] [basedir]", MessageStyle.Client);
        var opts = new OptionParser(tool, args, "dx");
        bool detach = false, execInPlace = false;
        while (opts.Next(out char o, out _))
        {
            if (o == 'd') detach = true;
            else if (o == 'x') execInPlace = true;
        }
        string[] rest = opts.Rest;
        string baseDir = rest.Length > 0 ? rest[0]
            : Environment.GetEnvironmentVariable("PERP_BASE") is { Length: > 0 } b ? b : "/etc/perp";
        if (detach) return SelfDetach.Respawn(tool, 'd', opts.Seen, rest);

        ChangeDirectory(tool, baseDir);
        ChangeDirectory(tool, ".boot");
        var env = Environ.Current();
        env.Set("PERP_BASE", baseDir);
        int[] pipe = LoggedPair.MakePipe(tool);
        _ = Libc.Umask(0); // perpboot's own mask is not wanted back

        var logger = new ChildSlot("./rc.log", () => Spawn("./rc.log", env, stdinFrom: pipe[0], stdoutTo: -1));
        if (execInPlace)
        {
            logger.Start(tool, ChildSlot.OnlyOnce());
            ExecPerp(tool, env, pipe);
        }
        var perp = new ChildSlot("./rc.perp", () => Spawn("./rc.perp", env, stdinFrom: -1, stdoutTo: pipe[1]));
        return new LoggedPair(tool, perp, logger, pipe) { ForwardStopSignalAsIs = true, WaitForProgram = true }.Run();
    }

    private static void ChangeDirectory(Tool tool, string dir)
    {
        byte* d = NativeStrings.One(dir);
        if (Libc.Chdir(d) != 0) throw tool.Fatal($"failure chdir() to {dir}", Marshal.GetLastPInvokeError());
    }

    /// <summary>A boot child: 0/1/2 on /dev/null, then the pipe end in place, every other fd closed.</summary>
    private static int Spawn(string script, Environ env, int stdinFrom, int stdoutTo)
    {
        var plan = new SpawnPlan { CloseFrom = 3 };
        for (int fd = 0; fd <= 2; fd++) plan.Opens.Add((fd, "/dev/null", Libc.O_RDWR, 0));
        if (stdinFrom >= 0) plan.Dups.Add((0, stdinFrom));
        if (stdoutTo >= 0)
        {
            plan.Dups.Add((1, stdoutTo));
            plan.Dups.Add((2, 1));
        }
        return Spawner.Spawn(script, new[] { script }, env, plan);
    }

    /// <summary>-x: rc.perp replaces perpboot, writing into the logger's pipe.</summary>
    private static void ExecPerp(Tool tool, Environ env, int[] pipe)
    {
        fixed (byte* devNull = "/dev/null\0"u8)
        {
            int nul = Libc.Open(devNull, Libc.O_RDWR, 0);
            if (nul >= 0 && nul != 0) Libc.Dup2(nul, 0);
        }
        Libc.Dup2(pipe[1], 1);
        Libc.Dup2(1, 2);
        throw Exec.Run(tool, "./rc.perp", RcPerpArgv, env);
    }
}
