using PerpPS.Runtools.Common;
using PerpPS.Runtools.Interop;

namespace PerpPS.Runtools.Tools;

/// <summary>runsession program [args]: setsid() (a failure, e.g. already a group leader, is ignored), then exec.</summary>
internal static class RunSession
{
    public static int Run(string name, string[] args)
    {
        var tool = new Tool(name, "[-hV] program [args ...]");
        string[] rest = OptionParser.Operands(tool, args, "", 1);
        Sys.Setsid();
        throw Exec.Run(tool, rest[0], rest, Environ.Current());
    }
}
