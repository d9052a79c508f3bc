using PerpPS.Runtools.Common;

namespace PerpPS.Runtools;

/// <summary>
/// perpps-runtools: one executable for tinylog, sissylog, the 15 runtools and perpboot.
/// It answers to the basename of its real argv[0] (one link per name is installed); called
/// by its own name it takes the program name from its first argument, and prints every
/// name it answers to for --list.
/// </summary>
internal static class Program
{
    private const string SelfName = "perpps-runtools";

    private static int Main()
    {
        string[] argv = CommandLine.Read();
        string name = argv.Length > 0 ? CommandLine.BaseName(argv[0]) : SelfName;
        string[] args = argv.Length > 1 ? argv[1..] : Array.Empty<string>();

        if (!ToolCatalog.TryGet(name, out var entry))
        {
            if (args.Length > 0 && args[0] == "--list")
            {
                foreach (string n in ToolCatalog.Names) Console.Out.Write(n + "\n");
                return 0;
            }
            if (args.Length == 0 || !ToolCatalog.TryGet(args[0], out entry))
            {
                Tool.Err($"usage: {SelfName} --list | {SelfName} PROGRAM [args ...]");
                return Tool.ExitUsage;
            }
            name = args[0];
            args = args[1..];
        }

        try
        {
            return entry(name, args);
        }
        catch (ToolExit exit)
        {
            return exit.Code;
        }
    }
}
