using PerpPS.Runtools.Common;

namespace PerpPS.Runtools.Tools;

/// <summary>
/// runfile argvfile [args]: the program and its first arguments come from argvfile (one
/// per line), the command-line arguments are appended; "-" reads stdin.
/// </summary>
internal static class RunFile
{
    public static int Run(string name, string[] args)
    {
        var tool = new Tool(name, "[-hV] argvfile [args ...]");
        string[] rest = OptionParser.Operands(tool, args, "", 1);
        List<string> argv;
        try
        {
            argv = ArgLines.Read(rest[0]);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw tool.Fatal($"unable to read argvfile {rest[0]}", ArgLines.ErrnoOf(e));
        }
        if (argv.Count == 0) throw tool.Usage($"no arguments found in argvfile {rest[0]}");
        argv.AddRange(rest[1..]);
        throw Exec.Run(tool, argv[0], argv, Environ.Current());
    }
}
