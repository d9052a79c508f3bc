using PerpPS.Runtools.Common;
using PerpPS.Runtools.Interop;

namespace PerpPS.Runtools.Tools;

/// <summary>runsession program [args]: setsid() (a failure, e.g. already a group leader, is ignored), then exec.</summary>
internal static class RunSession
{
    public static int Run(string name, string[] args)
    {
        var tool = new Tool(name, "[-hV] program [args ...]");
        var opts = new OptionParser(tool, args, "");
        while (opts.Next(out _, out _)) { }
        string[] rest = opts.Rest;
        if (rest.Length < 1) throw tool.Usage("missing arguments");
        Sys.Setsid();
        throw Exec.Run(tool, rest[0], rest, Environ.Current());
    }
}
