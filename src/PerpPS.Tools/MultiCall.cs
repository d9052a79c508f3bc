using System.Text;
using PerpPS.Tools.Cli;
using PerpPS.Tools.Common;
using PerpPS.Tools.Io;
using PerpPS.Tools.Perpctl;
using PerpPS.Tools.Perphup;
using PerpPS.Tools.Perpmetrics;
using PerpPS.Tools.PerpImport;
using PerpPS.Tools.Perpls;
using PerpPS.Tools.Perpok;
using PerpPS.Tools.Perpstat;

namespace PerpPS.Tools;

/// <summary>
/// The multi-call entry: dispatch on the basename of argv[0] (perpctl, perpls, perpstat,
/// perpok, perphup, perp-import — the links the build makes), or, when called by its own name, on the
/// first argument; "--list" prints the program names one per line for the build's links.
/// </summary>
internal static class MultiCall
{
    public const string OwnName = "perpps-tools";

    /// <summary>Every program this binary is, in the order --list prints them.</summary>
    public static readonly string[] Programs = ["perpctl", "perpls", "perpstat", "perpok", "perphup", "perpmetrics", "perp-import"];

    public static int Dispatch(Argv argv, ToolOutput output)
    {
        try
        {
            byte[] name = argv.ProgramName();
            string text = Encoding.UTF8.GetString(name);
            if (Find(text) is { } known) return RunTool(known, name, argv, output);

            // Called by its own name (or any other): the first argument picks the program.
            if (argv.Count >= 2 && argv.Text[1] == "--list")
            {
                foreach (string p in Programs) output.Out(Encoding.UTF8.GetBytes(p + "\n"));
                return 0;
            }
            if (argv.Count >= 2 && Find(argv.Text[1]) is { } sub)
                return RunTool(sub, argv.Raw[1], argv.Shift(), output);

            output.ErrLine(new Line().S("usage: " + OwnName + " {--list | " + string.Join(" | ", Programs) + "} [args ...]"));
            return 100;
        }
        finally
        {
            output.Flush();
        }
    }

    private static string? Find(string name) => Array.IndexOf(Programs, name) >= 0 ? name : null;

    private static int RunTool(string program, byte[] programName, Argv argv, ToolOutput output)
    {
        var (usage, run) = Describe(program);
        var tool = new ToolContext(programName, usage, output);
        try
        {
            return run(tool, argv);
        }
        catch (ToolExit exit)
        {
            return exit.Code;
        }
    }

    private static (string Usage, Func<ToolContext, Argv, int> Run) Describe(string program) => program switch
    {
        "perpctl" => (PerpctlTool.Usage, PerpctlTool.Run),
        "perpls" => (PerplsTool.Usage, PerplsTool.Run),
        "perpstat" => (PerpstatTool.Usage, PerpstatTool.Run),
        "perpok" => (PerpokTool.Usage, PerpokTool.Run),
        "perpmetrics" => (PerpmetricsTool.Usage, PerpmetricsTool.Run),
        "perp-import" => (PerpImportTool.Usage, PerpImportTool.Run),
        _ => (PerphupTool.Usage, PerphupTool.Run),
    };
}
