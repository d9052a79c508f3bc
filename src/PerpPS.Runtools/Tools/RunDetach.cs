using PerpPS.Runtools.Common;

namespace PerpPS.Runtools.Tools;

/// <summary>
/// rundetach program [args]: run program in a new session, in the background, and exit 0
/// at once. perp forks and execs in the child; PerpPS spawns the child with
/// posix_spawn(POSIX_SPAWN_SETSID), which is the same to the caller and the program — with
/// one decision: when the program cannot be started at all (not found, not executable),
/// rundetach says so and exits 111 instead of exiting 0 while its child dies unseen.
/// </summary>
internal static class RunDetach
{
    public static int Run(string name, string[] args)
    {
        var tool = new Tool(name, "[-hV] program [args ...]");
        string[] rest = OptionParser.Operands(tool, args, "", 1);
        int pid = Spawner.Spawn(rest[0], rest, Environ.Current(), new SpawnPlan { NewSession = true });
        if (pid < 0) throw tool.Fatal($"unable to run {rest[0]}", -pid);
        return 0;
    }
}
