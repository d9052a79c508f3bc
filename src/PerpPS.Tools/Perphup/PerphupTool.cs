using PerpPS.Core.Posix;
using PerpPS.Tools.Cli;
using PerpPS.Tools.Common;
using PerpPS.Tools.Io;

namespace PerpPS.Tools.Perphup;

/// <summary>
/// perphup: SIGHUP (rescan) or, with -t, SIGTERM to the perpd of a base, found through the
/// lock on its pid file (spec §10). The base is the operand, else a non-empty PERP_BASE,
/// else /etc/perp — unlike the other client tools, as in perp.
/// </summary>
internal static class PerphupTool
{
    public const string Usage = "[-hV] [-q] [-t] [basedir]";

    public static int Run(ToolContext tool, Argv argv)
    {
        bool quiet = false, terminate = false;
        var opt = ClientOptions.Parse(tool, argv, "hVqt", (c, _) => c switch
        {
            'q' => quiet = true,
            't' => terminate = true,
            _ => false,
        });
        byte[]? operand = opt.Index < argv.Count ? argv.Raw[opt.Index] : null;
        var baseDirectory = BaseDirectory.Enter(tool, BaseChoice.ForHup(operand), "failure chdir() to ");

        if (terminate) DaemonConnection.Signal(tool, baseDirectory, SignalNames.SIGTERM, "SIGTERM");
        else DaemonConnection.Signal(tool, baseDirectory, SignalNames.SIGHUP, "SIGHUP");

        if (!quiet)
            tool.Err(tool.Prog().S(terminate ? ": SIGTERM for perpd on " : ": perpd rescan triggered on ").B(baseDirectory.Given));
        return 0;
    }
}
