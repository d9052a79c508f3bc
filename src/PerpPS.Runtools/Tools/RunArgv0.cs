using PerpPS.Runtools.Common;

namespace PerpPS.Runtools.Tools;

/// <summary>runargv0 realprog alias [args]: exec realprog with argv[0] = alias.</summary>
internal static class RunArgv0
{
    public static int Run(string name, string[] args)
    {
        var tool = new Tool(name, "[-hV] realprog alias [args ...]");
        string[] rest = OptionParser.Operands(tool, args, "", 2);
        var argv = new List<string> { rest[1] };
        argv.AddRange(rest[2..]);
        throw Exec.Run(tool, rest[0], argv, Environ.Current());
    }
}
