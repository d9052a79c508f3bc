using PerpPS.Core.Cli;
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
        var opt = new NextOpt(argv.Text, "hVqt");
        bool quiet = false, terminate = false;
        for (char c; (c = opt.Next()) != NextOpt.End;)
        {
            switch (c)
            {
                case 'h': tool.Usage(); return 0;
                case 'V': tool.Version(); return 0;
                case 'q': quiet = true; break;
                case 't': terminate = true; break;
                default: throw tool.OptionError(c, opt.Got);
            }
        }
        byte[]? operand = opt.Index < argv.Count ? argv.Raw[opt.Index] : null;
        var baseDirectory = BaseDirectory.Enter(tool, BaseChoice.ForHup(operand), "failure chdir() to ");

        if (terminate) DaemonConnection.Signal(tool, baseDirectory, SignalNames.SIGTERM, "SIGTERM");
        else DaemonConnection.Signal(tool, baseDirectory, SignalNames.SIGHUP, "SIGHUP");

        if (!quiet)
            tool.Err(tool.Prog().S(terminate ? ": SIGTERM for perpd on " : ": perpd rescan triggered on ").B(baseDirectory.Given));
        return 0;
    }
}
