using System.Text;

namespace PerpPS.Core.Import;

/// <summary>
/// A Procfile (foreman, overmind, honcho): each "name: command" line is a service whose run
/// execs the command with /bin/sh in the Procfile's directory, as foreman does. A .env file
/// beside it becomes each service's environment (read at import: a snapshot), and PORT is
/// set as foreman sets it: 5000 for the first process type, 100 more for each next one.
/// </summary>
internal static class ProcfileImporter
{
    public const int BasePort = 5000, PortStep = 100;

    public static List<ImportedService> Import(string procfile, ImportOptions options)
    {
        string dir = Path.GetDirectoryName(Path.GetFullPath(procfile))!;
        var dotenv = ReadDotenv(Path.Combine(dir, ".env"), out var envWarnings);
        var list = new List<ImportedService>();
        string[] lines = File.ReadAllLines(procfile);
        int index = 0;
        for (int i = 0; i < lines.Length; i++)
        {
            string line = lines[i].Trim();
            if (line.Length == 0 || line[0] == '#') continue;
            int colon = line.IndexOf(':');
            string name = colon > 0 ? line[..colon].Trim() : "";
            string command = colon > 0 ? line[(colon + 1)..].Trim() : "";
            if (name.Length == 0 || command.Length == 0 || !name.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-'))
            {
                var bad = new ImportedService("", procfile, ImportFormat.Procfile);
                bad.Warn(procfile, i + 1, "not a 'name: command' line: skipped");
                list.Add(bad);
                continue;
            }
            var svc = new ImportedService(name, procfile, ImportFormat.Procfile);
            svc.Warnings.AddRange(envWarnings);
            int port = BasePort + PortStep * index++;
            var env = new StringBuilder("# The .env beside " + procfile + " (as it was at import) and foreman's PORT.\n");
            foreach (var (k, v) in dotenv) if (k != "PORT") env.Append(k).Append('=').Append(SystemdImporter.RunenvValue(v)).Append('\n');
            env.Append("PORT=").Append(dotenv.FirstOrDefault(kv => kv.Key == "PORT").Value ?? port.ToString(System.Globalization.CultureInfo.InvariantCulture)).Append('\n');
            svc.AddText("environment", env.ToString());
            svc.AddText("run", "#!/bin/sh\n# '" + Shell.Comment(name) + "' of " + Shell.Comment(procfile) + ", line " + (i + 1) + ".\ncd " + Shell.Quote(dir) + " || exit 111\n" + ExecLine(command) + "\n", executable: true);
            var rc = new Runscript($"Imported from {procfile} ('{name}') by perp-import.",
                "perpd runs: rc.main start NAME, then after each exit rc.main reset NAME exit CODE | signal NUM NAME.");
            rc.Start.Add("exec 2>&1");
            rc.Start.Add("exec " + options.Tools.Command("runenv") + " ./environment ./run");
            svc.AddText("rc.main", rc.Build(), executable: true);
            if (!options.NoLog)
            {
                svc.AddText("rc.log", Runscript.Tinylog(options.Tools, "log", $"Written by perp-import for '{name}' of {procfile}."), executable: true);
                svc.Directories.Add("log");
            }
            list.Add(svc);
        }
        return list;
    }

    /// <summary>
    /// A simple command is exec'd (its pid is the service's, signals reach it); a compound one
    /// (';', '&amp;&amp;', '|', ...) runs as foreman's sh -c would run it.
    /// </summary>
    private static string ExecLine(string command)
    {
        if (command.StartsWith("exec ", StringComparison.Ordinal)) return command;
        foreach (char c in command)
            if (c is ';' or '&' or '|' or '\n' or '(' or '`') return command;
        return "exec " + command;
    }

    /// <summary>KEY=VALUE lines, "export " allowed, values unquoted ('...' literal, "..." with \n and \" escapes).</summary>
    private static List<KeyValuePair<string, string>> ReadDotenv(string path, out List<ImportWarning> warnings)
    {
        warnings = new List<ImportWarning>();
        var list = new List<KeyValuePair<string, string>>();
        if (!File.Exists(path)) return list;
        string[] lines = File.ReadAllLines(path);
        for (int i = 0; i < lines.Length; i++)
        {
            string l = lines[i].Trim();
            if (l.Length == 0 || l[0] == '#') continue;
            if (l.StartsWith("export ", StringComparison.Ordinal)) l = l[7..].TrimStart();
            int eq = l.IndexOf('=');
            if (eq <= 0) { warnings.Add(new ImportWarning(path, i + 1, "not KEY=VALUE: skipped")); continue; }
            string key = l[..eq].Trim(), v = l[(eq + 1)..].Trim();
            if (v.Length >= 2 && v[0] == '\'' && v[^1] == '\'') v = v[1..^1];
            else if (v.Length >= 2 && v[0] == '"' && v[^1] == '"') v = v[1..^1].Replace("\\n", "\n").Replace("\\\"", "\"").Replace("\\\\", "\\");
            else if (v.IndexOf(" #", StringComparison.Ordinal) is var hash and >= 0) v = v[..hash].TrimEnd();
            if (v.Contains('$')) warnings.Add(new ImportWarning(path, i + 1, "a '$' in the value is kept as it is (no expansion)"));
            list.RemoveAll(kv => kv.Key == key);
            list.Add(new(key, v));
        }
        return list;
    }
}
