using PerpPS.Runtools.Common;

namespace PerpPS.Runtools.Tools;

/// <summary>
/// runchoom [-ev] [-b base] [-k key] [-p pid] [-s str] program [args]: write "STR\n" into
/// BASE/PID/KEY (defaults /proc, own pid, oom_adj, -17, or $CHOOM_BASE, $CHOOM_KEY,
/// $CHOOM_SET) to exempt the program from the OOM killer, then exec. A failed write is
/// ignored unless -e (then 111); -v reports what is written. The key stays perp's oom_adj
/// by default (faithful); -k oom_score_adj -s -1000 is the modern form.
/// </summary>
internal static class RunChoom
{
    public static int Run(string name, string[] args)
    {
        var tool = new Tool(name, "[-hV] [-ev] [-b base] [-k key] [-p pid] [-s str] program [args ...]");
        var opts = new OptionParser(tool, args, "evb:k:p:s:");
        bool strict = false, verbose = false;
        string? baseDir = null, key = null, pid = null, value = null;
        while (opts.Next(out char o, out string? a))
        {
            switch (o)
            {
                case 'e': strict = true; break;
                case 'v': verbose = true; break;
                case 'b': baseDir = a; break;
                case 'k': key = a; break;
                case 'p': pid = a; break;
                case 's': value = a; break;
            }
        }
        string[] rest = opts.Rest;
        if (rest.Length < 1) throw tool.Usage("missing arguments");
        baseDir ??= NonEmpty("CHOOM_BASE") ?? "/proc";
        key ??= NonEmpty("CHOOM_KEY") ?? "oom_adj";
        value ??= NonEmpty("CHOOM_SET") ?? "-17";
        pid ??= Environment.ProcessId.ToString();
        if (!baseDir.StartsWith('/')) throw tool.Usage($"base directory not an absolute path: {baseDir}");

        string target = $"{baseDir.TrimEnd('/')}/{pid}/{key}";
        try
        {
            using (var f = new FileStream(target, FileMode.Truncate, FileAccess.Write))
                f.Write(System.Text.Encoding.UTF8.GetBytes(value + "\n"));
            if (verbose) Tool.Err($"{tool.Name}: wrote {value} to {target}");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            if (strict) throw tool.Fatal($"failure writing {value} to {target}", ArgLines.ErrnoOf(e));
            if (verbose) tool.Warn($"failure writing {value} to {target}: {PerpPS.Core.Posix.Errno.Describe(ArgLines.ErrnoOf(e))}");
        }
        throw Exec.Run(tool, rest[0], rest, Environ.Current());
    }

    private static string? NonEmpty(string variable) =>
        Environment.GetEnvironmentVariable(variable) is { Length: > 0 } v ? v : null;
}
