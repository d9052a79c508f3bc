using PerpPS.Runtools.Common;

namespace PerpPS.Runtools.Tools;

/// <summary>
/// runlimit [-E] [-F file] [-a|-c|-d|-f|-l|-m|-o|-p|-r|-s|-t N] program [args]: set soft
/// resource limits, then exec. Precedence: command line over -F file over -E environment.
/// The undocumented -v warns when a value is cut to the hard limit.
/// </summary>
internal static class RunLimit
{
    private const string HardMarks = "=^_";

    public static int Run(string name, string[] args)
    {
        var tool = new Tool(name, "[-hV] [-E] [-F file] [-a|-c|-d|-f|-l|-m|-o|-p|-r|-s|-t N] program [args ...]");
        var opts = new OptionParser(tool, args, "EF:a:c:d:f:l:m:o:p:r:s:t:v");
        bool fromEnv = false, verbose = false;
        string? file = null;
        var commandLine = new List<(int[] Resources, ulong Value)>();
        while (opts.Next(out char o, out string? a))
        {
            switch (o)
            {
                case 'E': fromEnv = true; break;
                case 'F': file = a; break;
                case 'v': verbose = true; break;
                default:
                    ResourceLimits.TryLetter(o, out int[] resources);
                    if (!ResourceLimits.TryValue(a!, HardMarks, out ulong value))
                        throw tool.Usage($"bad numeric argument for -{o}: {a}");
                    commandLine.Add((resources, value));
                    break;
            }
        }
        string[] rest = opts.Rest;
        if (rest.Length < 1) throw tool.Usage("missing arguments");

        var plan = new ResourceLimits();
        if (fromEnv)
        {
            foreach (System.Collections.DictionaryEntry e in Environment.GetEnvironmentVariables())
            {
                string key = (string)e.Key;
                if (!key.StartsWith("RLIMIT_", StringComparison.Ordinal)) continue;
                if (!ResourceLimits.TryName(key, out int[] resources)) continue;
                if (!ResourceLimits.TryValue(ArgLines.Trim((string?)e.Value ?? ""), HardMarks, out ulong value))
                    throw tool.Fatal($"bad value in environment for {key}: {e.Value}");
                plan.Set(resources, value);
            }
        }
        if (file != null) ReadFile(tool, file, plan);
        foreach (var (resources, value) in commandLine) plan.Set(resources, value);

        // Prepared first: with a low RLIMIT_NOFILE the process could not open its environment.
        var exec = Exec.Prepare(rest[0], rest, Environ.Current());
        int errno = plan.Apply(tool, verbose, out string failed);
        if (errno != 0) throw tool.Fatal($"failure setrlimit() for {failed}", errno);
        throw exec.Run(tool);
    }

    /// <summary>"RLIMIT_NAME = value" lines; an unknown name or a bad value is fatal (111).</summary>
    private static void ReadFile(Tool tool, string file, ResourceLimits plan)
    {
        List<string> lines;
        try
        {
            lines = ArgLines.Read(file);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw tool.Fatal($"unable to read limits file {file}", ArgLines.ErrnoOf(e));
        }
        foreach (string line in lines)
        {
            int eq = line.IndexOf('=');
            // "RLIMIT_X = =" means the hard limit: split at the first '=' only.
            string key = ArgLines.Trim(eq < 0 ? line : line[..eq]);
            string val = eq < 0 ? "" : ArgLines.Trim(line[(eq + 1)..]);
            if (!ResourceLimits.TryName(key, out int[] resources))
                throw tool.Fatal($"unknown resource name {key} in limits file {file}");
            if (!ResourceLimits.TryValue(val, HardMarks, out ulong value))
                throw tool.Fatal($"bad value for {key} in limits file {file}: {val}");
            plan.Set(resources, value);
        }
    }
}
