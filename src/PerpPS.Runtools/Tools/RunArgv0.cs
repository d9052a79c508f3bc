using PerpPS.Runtools.Common;

namespace PerpPS.Runtools.Tools;

/// <summary>runargv0 realprog alias [args]: exec realprog with argv[0] = alias.</summary>
internal static class RunArgv0
{
    public static int Run(string name, string[] args)
    {
        var tool = new Tool(name, "[-hV] realprog alias [args ...]");
        var opts = new OptionParser(tool, args, "");
        while (opts.Next(out _, out _)) { }
        string[] rest = opts.Rest;
        if (rest.Length < 2) throw tool.Usage("missing arguments");
        var argv = new List<string> { rest[1] };
        argv.AddRange(rest[2..]);
        throw Exec.Run(tool, rest[0], argv, Environ.Current());
    }
}
