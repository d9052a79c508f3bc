using PerpPS.Runtools.Common;

namespace PerpPS.Runtools.Tools;

/// <summary>
/// runargs [-i] argfile program [args]: exec program with the arguments of argfile
/// (one per line) before the command-line arguments, or after them with -i (spec §13).
/// </summary>
internal static class RunArgs
{
    public static int Run(string name, string[] args)
    {
        var tool = new Tool(name, "[-hV] [-i] argfile program [args ...]");
        var opts = new OptionParser(tool, args, "i");
        bool commandLineFirst = false;
        while (opts.Next(out char o, out _))
            if (o == 'i') commandLineFirst = true;
        string[] rest = opts.Rest;
        if (rest.Length < 2) throw tool.Usage("missing arguments");

        string argfile = rest[0];
        List<string> fileArgs;
        try
        {
            fileArgs = ArgLines.Read(argfile);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw tool.Fatal($"unable to read argfile {argfile}", ArgLines.ErrnoOf(e));
        }

        var argv = new List<string> { rest[1] };
        var commandArgs = rest[2..];
        if (commandLineFirst)
        {
            argv.AddRange(commandArgs);
            argv.AddRange(fileArgs);
        }
        else
        {
            argv.AddRange(fileArgs);
            argv.AddRange(commandArgs);
        }
        throw Exec.Run(tool, rest[1], argv, Environ.Current());
    }
}
