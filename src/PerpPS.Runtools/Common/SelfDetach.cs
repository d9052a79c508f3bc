namespace PerpPS.Runtools.Common;

/// <summary>
/// The "-d" of perpboot, rundeux and runtool: perp forks, the parent exits 0 and the child
/// calls setsid() and carries on. .NET cannot fork, so the program starts itself again
/// (/proc/self/exe, same name, same options minus -d) in a new session with
/// posix_spawn(POSIX_SPAWN_SETSID), and exits 0: the caller sees the same thing.
/// </summary>
internal static class SelfDetach
{
    public static int Respawn(Tool tool, char detachOption, List<(char Option, string? Argument)> seen, string[] operands)
    {
        var argv = new List<string> { tool.Name };
        foreach (var (option, argument) in seen)
        {
            if (option == detachOption) continue;
            argv.Add("-" + option);
            if (argument != null) argv.Add(argument);
        }
        argv.Add("--");
        argv.AddRange(operands);
        int pid = Spawner.Spawn("/proc/self/exe", argv, Environ.Current(), new SpawnPlan { NewSession = true });
        if (pid < 0) throw tool.Fatal("failure detaching", -pid);
        return 0;
    }
}
