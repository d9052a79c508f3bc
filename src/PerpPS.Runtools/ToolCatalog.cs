using PerpPS.Runtools.Boot;
using PerpPS.Runtools.Tinylog;
using PerpPS.Runtools.Tools;

namespace PerpPS.Runtools;

/// <summary>A program of the multi-call binary: its name (progname) and its arguments.</summary>
internal delegate int ToolMain(string name, string[] args);

/// <summary>Every program name perpps-runtools answers to, in --list order.</summary>
internal static class ToolCatalog
{
    private static readonly (string Name, ToolMain Main)[] Entries =
    {
        ("tinylog", TinylogProgram.Run),
        ("sissylog", Sissylog.Run),
        ("runargs", RunArgs.Run),
        ("runargv0", RunArgv0.Run),
        ("runchoom", RunChoom.Run),
        ("rundetach", RunDetach.Run),
        ("rundeux", RunDeux.Run),
        ("runenv", RunEnv.Run),
        ("runfile", RunFile.Run),
        ("runlimit", RunLimit.Run),
        ("runlock", RunLock.Run),
        ("runpause", RunPause.Run),
        ("runsession", RunSession.Run),
        ("runtool", RunTool.Run),
        ("runtrap", RunTrap.Run),
        ("runuid", RunUid.Run),
        ("runnotify", RunNotify.Run),
        ("perpboot", PerpBoot.Run),
    };

    /// <summary>Programs the binary runs for its own tools, answered to but not listed (no link is made).</summary>
    private static readonly (string Name, ToolMain Main)[] Internal =
    {
        (RunNotify.ListenerName, NotifyListener.Run),
    };

    public static IEnumerable<string> Names
    {
        get
        {
            foreach (var e in Entries) yield return e.Name;
        }
    }

    public static bool TryGet(string name, out ToolMain main)
    {
        foreach (var e in Entries.Concat(Internal))
        {
            if (e.Name != name) continue;
            main = e.Main;
            return true;
        }
        main = null!;
        return false;
    }
}
