using PerpPS.Core.Posix;

namespace PerpPS.Core.Import;

/// <summary>
/// runit, daemontools and s6 service directories. The directory is copied (so that run
/// scripts find their ./env, ./data or config files where they were), without the
/// supervisors' runtime state (supervise/, event/). perp's runscripts wrap it:
/// <list type="bullet">
/// <item>rc.main start execs ./run (runit: through <c>runenv ./env</c> when env/ exists);</item>
/// <item>rc.main reset runs ./finish with the arguments its supervisor passes: runit the exit
/// code (-1 after a signal) and the signal number; s6 the exit code (256 after a signal) and
/// the signal number, and s6's "finish exited 125" keeps the service down (perpctl d);</item>
/// <item>log/run becomes rc.log (run in log/ as runsv and s6-supervise do);</item>
/// <item>down becomes flag.down; check, notification-fd, timeout-kill and down-signal keep
/// their names (PerpPS's policy files); s6's dependencies.d/ becomes dependencies.</item>
/// </list>
/// </summary>
internal static class DirectoryImporter
{
    /// <summary>The supervisors' runtime state, never copied.</summary>
    private static readonly string[] RuntimeEntries = ["supervise", "event", "ok", "status", "lock", "control.fifo"];

    /// <summary>Files this importer turns into something else (so they are not copied as they are).</summary>
    private static readonly string[] Converted = ["down", "log", "dependencies.d", "type", "down-signal"];

    /// <summary>Programs of runit, daemontools and s6 that run scripts call, and what perp has instead.</summary>
    private static readonly (string Program, string Instead)[] ForeignTools =
    [
        ("chpst", "runuid, runenv, runlimit, runlock"),
        ("svlogd", "tinylog"),
        ("multilog", "tinylog"),
        ("s6-log", "tinylog"),
        ("setuidgid", "runuid"),
        ("s6-setuidgid", "runuid"),
        ("envuidgid", "runenv -U"),
        ("envdir", "runenv"),
        ("s6-envdir", "runenv"),
        ("softlimit", "runlimit"),
        ("s6-softlimit", "runlimit"),
        ("fghack", "the pidfile policy file"),
        ("pgrphack", "runsession"),
        ("setlock", "runlock"),
        ("s6-setlock", "runlock"),
        ("s6-notifyoncheck", "the check policy file"),
        ("sv", "perpctl"),
        ("s6-svc", "perpctl"),
        ("svc", "perpctl"),
    ];

    public static ImportedService Import(string dir, string name, ImportFormat format, ImportOptions options)
    {
        string run = Path.Combine(dir, "run");
        if (File.Exists(Path.Combine(dir, "type")))
        {
            string type = File.ReadAllText(Path.Combine(dir, "type")).Trim();
            if (type != "longrun")
                throw new ImportException(dir, $"an s6-rc {type}, not a longrun: only long-running services can be imported");
        }
        if (!File.Exists(run)) throw new ImportException(dir, "no run file: not a service directory");

        var svc = new ImportedService(name, dir, format);
        string flavour = format switch { ImportFormat.S6 => "s6", ImportFormat.Runit => "runit", _ => "daemontools" };
        Copy(svc, dir, "", options);

        var rc = new Runscript($"Imported from the {flavour} service {dir} by perp-import.",
            "perpd runs: rc.main start NAME, then after each exit rc.main reset NAME exit CODE | signal NUM NAME.");
        bool env = format == ImportFormat.Runit && Directory.Exists(Path.Combine(dir, "env"));
        if (env) rc.Comment("runit's env/ directory is applied with runenv, as chpst -e would.");
        rc.Start.Add(env ? "exec " + options.Tools.Command("runenv") + " ./env ./run" : "exec ./run");

        if (File.Exists(Path.Combine(dir, "finish")))
        {
            if (format == ImportFormat.Daemontools)
                svc.Warn(Path.Combine(dir, "finish"), 0, "daemontools does not run finish; it is run as runit would (daemontools-encore passes other arguments)");
            if (format == ImportFormat.S6)
            {
                rc.Reset.Add("# s6 passes the exit code (256 after a signal) and the signal number; finish exiting 125 keeps the service down.");
                rc.Reset.Add("if [ \"$3\" = exit ]; then code=$4 sig=0; else code=256 sig=$4; fi");
                rc.Reset.Add("./finish \"$code\" \"$sig\"");
                rc.Reset.Add("[ $? = 125 ] && " + options.Tools.Command("perpctl") + " -q d \"$(pwd)\"");
            }
            else
            {
                rc.Reset.Add("# runit passes the exit code (-1 after a signal) and the signal number.");
                rc.Reset.Add("if [ \"$3\" = exit ]; then code=$4 sig=0; else code=-1 sig=$4; fi");
                rc.Reset.Add("./finish \"$code\" \"$sig\"");
            }
        }
        svc.AddText("rc.main", rc.Build(), executable: true);

        string logRun = Path.Combine(dir, "log", "run");
        if (File.Exists(logRun))
        {
            var log = new Runscript($"Imported from {logRun} by perp-import: runs in log/ as under {flavour}.");
            log.Start.Add("cd ./log || exit 111");
            log.Start.Add("exec ./run");
            svc.AddText("rc.log", log.Build(), executable: true);
            CopyLog(svc, Path.Combine(dir, "log"), options);
        }
        else if (Directory.Exists(Path.Combine(dir, "log")))
        {
            svc.Warn(Path.Combine(dir, "log"), 0, "a log directory without log/run: no logger imported");
        }

        if (File.Exists(Path.Combine(dir, "down"))) svc.AddText(PolicyFiles.FlagDown, "");
        if (format == ImportFormat.S6) S6Files(svc, dir);
        else if (format == ImportFormat.Runit) RunitFiles(svc, dir);
        CheckScripts(svc, dir, options);
        return svc;
    }

    private static void RunitFiles(ImportedService svc, string dir)
    {
        string control = Path.Combine(dir, "control");
        if (Directory.Exists(control))
            foreach (string f in Directory.EnumerateFiles(control).Order(StringComparer.Ordinal))
                svc.Warn(f, 0, $"runit's control/{Path.GetFileName(f)} (custom handling of 'sv {Path.GetFileName(f)}') is not carried over: perpd sends the signal itself");
    }

    private static void S6Files(ImportedService svc, string dir)
    {
        string downSignal = Path.Combine(dir, "down-signal");
        if (File.Exists(downSignal))
        {
            string text = File.ReadAllText(downSignal).Trim();
            int sig = int.TryParse(text, out int n) ? n : SignalNames.Parse(text);
            if (sig <= 0 || SignalNames.Name(sig) == "SIGUNKNOWN")
                svc.Warn(downSignal, 1, $"'{text}' is not a signal perp knows: down-signal not carried over (SIGTERM)");
            else
                svc.AddText(PolicyFiles.DownSignal, SignalNames.Name(sig) + "\n");
        }
        foreach (string f in new[] { PolicyFiles.NotificationFd, PolicyFiles.TimeoutKill })
        {
            string path = Path.Combine(dir, f);
            if (!File.Exists(path)) continue;
            string text = File.ReadAllText(path).Trim();
            if (!uint.TryParse(text, out _)) svc.Warn(path, 1, $"'{text}' is not a number");
        }
        var deps = new List<string>();
        string depDir = Path.Combine(dir, "dependencies.d");
        if (Directory.Exists(depDir))
            foreach (string d in Directory.EnumerateFileSystemEntries(depDir).Order(StringComparer.Ordinal))
                deps.Add(Path.GetFileName(d));
        if (File.Exists(Path.Combine(dir, "dependencies")))
            foreach (string l in File.ReadAllLines(Path.Combine(dir, "dependencies")))
                if (l.Trim() is { Length: > 0 } d && !d.StartsWith('#') && !deps.Contains(d)) deps.Add(d);
        deps.Remove("base"); // s6-rc's "base" bundle: perpd itself
        if (deps.Count > 0) svc.AddText(PolicyFiles.Dependencies, string.Join("", deps.Select(d => d + "\n")));
        Unsupported(svc, dir, "timeout-finish", "perp does not time out a reset: finish runs to its end");
        Unsupported(svc, dir, "max-death-tally", "perp keeps no death tally (see the give-up policy file)");
        Unsupported(svc, dir, "nosetsid", "perp always starts runscripts in a new session");
        Unsupported(svc, dir, "lock-fd", "no lock descriptor: use runlock in run");
        Unsupported(svc, dir, "flag-newpidns", "no new pid namespace under perp");
        Unsupported(svc, dir, "timeout-up", "no start timeout under perp");
        Unsupported(svc, dir, "timeout-down", "no stop timeout for s6-rc transitions (timeout-kill is carried over)");
        Unsupported(svc, dir, "producer-for", "s6-rc pipelines are not carried over: give the consumer's run to rc.log by hand");
        Unsupported(svc, dir, "consumer-for", "s6-rc pipelines are not carried over: this service's run belongs in its producer's rc.log");
        Unsupported(svc, dir, "pipeline-name", "s6-rc pipelines are not carried over");
    }

    private static void Unsupported(ImportedService svc, string dir, string file, string why)
    {
        if (File.Exists(Path.Combine(dir, file))) svc.Warn(Path.Combine(dir, file), 0, why);
    }

    /// <summary>Copies the service directory's files, recursing into its data directories.</summary>
    private static void Copy(ImportedService svc, string dir, string relative, ImportOptions options)
    {
        foreach (string entry in Directory.EnumerateFileSystemEntries(dir).Order(StringComparer.Ordinal))
        {
            string name = Path.GetFileName(entry);
            if (Array.IndexOf(RuntimeEntries, name) >= 0) continue;
            if (relative.Length == 0 && Array.IndexOf(Converted, name) >= 0) continue;
            string rel = relative.Length == 0 ? name : relative + "/" + name;
            if (relative.Length == 0 && (name.StartsWith("rc.", StringComparison.Ordinal) || name.StartsWith("flag.", StringComparison.Ordinal)))
            {
                svc.Warn(entry, 0, $"'{name}' is a name perp gives meaning to: not copied");
                continue;
            }
            if (Directory.Exists(entry))
            {
                if (rel.Count(c => c == '/') >= 8) continue;
                svc.Directories.Add(rel);
                Copy(svc, entry, rel, options);
            }
            else if (File.Exists(entry))
            {
                svc.Add(new ServiceFile(rel, File.ReadAllBytes(entry), File.GetUnixFileMode(entry) & (UnixFileMode)0b111_111_111));
            }
        }
    }

    /// <summary>log/: its files are copied, its subdirectories (the logger's data, e.g. main/) made empty.</summary>
    private static void CopyLog(ImportedService svc, string logDir, ImportOptions options)
    {
        svc.Directories.Add("log");
        foreach (string entry in Directory.EnumerateFileSystemEntries(logDir).Order(StringComparer.Ordinal))
        {
            string name = Path.GetFileName(entry);
            if (Array.IndexOf(RuntimeEntries, name) >= 0) continue;
            if (Directory.Exists(entry))
            {
                if (name is "env") Copy(svc, entry, "log/env", options);
                svc.Directories.Add("log/" + name);
            }
            else if (File.Exists(entry))
            {
                svc.Add(new ServiceFile("log/" + name, File.ReadAllBytes(entry), File.GetUnixFileMode(entry) & (UnixFileMode)0b111_111_111));
            }
        }
    }

    /// <summary>Warnings for scripts that need what this machine lacks: their interpreter, or another supervisor's tools.</summary>
    private static void CheckScripts(ImportedService svc, string dir, ImportOptions options)
    {
        Func<string, bool> installed = options.IsInstalled ?? OnPath;
        foreach (string script in new[] { "run", "finish", "check", "log/run" })
        {
            string path = Path.Combine(dir, script);
            if (!File.Exists(path)) continue;
            string[] lines = File.ReadAllLines(path);
            if (lines.Length > 0 && lines[0].StartsWith("#!", StringComparison.Ordinal))
            {
                string interp = lines[0][2..].Trim().Split(' ', '\t')[0];
                if (interp.Length > 0 && !File.Exists(interp))
                    svc.Warn(path, 1, $"its interpreter {interp} is not installed here");
            }
            var seen = new HashSet<string>();
            for (int i = 0; i < lines.Length; i++)
            {
                string line = lines[i];
                int hash = line.IndexOf('#');
                if (hash >= 0 && !(i == 0 && line.StartsWith("#!", StringComparison.Ordinal))) line = line[..hash];
                foreach (var (program, instead) in ForeignTools)
                {
                    if (seen.Contains(program) || !UsesWord(line, program)) continue;
                    seen.Add(program);
                    if (!installed(program))
                        svc.Warn(path, i + 1, $"uses {program}, which is not installed here: install it, or use perp's {instead}");
                }
            }
        }
    }

    private static bool UsesWord(string line, string word)
    {
        for (int at = line.IndexOf(word, StringComparison.Ordinal); at >= 0; at = line.IndexOf(word, at + 1, StringComparison.Ordinal))
        {
            bool start = at == 0 || line[at - 1] is ' ' or '\t' or '/' or ';' or '(' or '|' or '&' or '{';
            int end = at + word.Length;
            bool stop = end == line.Length || line[end] is ' ' or '\t' or ';' or ')' or '\n';
            if (start && stop) return true;
        }
        return false;
    }

    public static bool OnPath(string program)
    {
        foreach (string d in (Environment.GetEnvironmentVariable("PATH") ?? "/bin:/usr/bin").Split(':', StringSplitOptions.RemoveEmptyEntries))
            if (File.Exists(Path.Combine(d, program))) return true;
        return false;
    }
}
