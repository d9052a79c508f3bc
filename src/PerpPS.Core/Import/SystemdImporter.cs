using System.Text;
using PerpPS.Core.Posix;

namespace PerpPS.Core.Import;

/// <summary>
/// A systemd .service unit as a perp service directory:
/// <list type="bullet">
/// <item><c>run</c> holds ExecStartPre= and ExecStart= (with WorkingDirectory=, UMask=,
/// StandardOutput=file:), run as User= with the unit's environment;</item>
/// <item><c>rc.main</c> start execs <c>runenv ./environment</c> (Environment=), <c>runenv FILE</c>
/// (EnvironmentFile=, read at each start), <c>runuid</c> (User=, Group=), <c>runnotify</c>
/// (Type=notify: NOTIFY_SOCKET, READY=1 → the notification fd), <c>runlimit</c> (Limit*=) and
/// then ./run, with stderr joined to stdout as systemd's default;</item>
/// <item>reset runs ExecStopPost= (with systemd's $EXIT_CODE, $EXIT_STATUS, $SERVICE_RESULT),
/// decides Restart= (no → flag.once; on-failure and the others keep the service down with
/// <c>perpctl d</c> after an end that should not restart) and waits RestartSec= before a restart;</item>
/// <item>policy files: timeout-kill (TimeoutStopSec=), down-signal (KillSignal=), dependencies
/// (the .service units of Requires=, BindsTo=, and Wants= that are also After=), pidfile
/// (PIDFile= of a Type=forking unit), notification-fd (Type=notify);</item>
/// <item>rc.log runs tinylog into ./log, where the journal would have had the lines.</item>
/// </list>
/// Everything else is a warning naming the line.
/// </summary>
internal static class SystemdImporter
{
    /// <summary>Keys with no effect a perp user would miss (descriptions, install targets).</summary>
    private static readonly string[] Silent =
    [
        "Unit.Description", "Unit.Documentation", "Unit.DefaultDependencies", "Install.WantedBy", "Install.RequiredBy",
        "Install.Also", "Service.GuessMainPID", "Service.RemainAfterExit", "Service.SyslogIdentifier", "Service.Type",
        "Unit.After", "Unit.Requires", "Unit.Wants", "Unit.BindsTo",
    ];

    public static ImportedService Import(string path, string name, ImportOptions options)
    {
        var unit = new SystemdUnit(path);
        var svc = new ImportedService(name, path, ImportFormat.Systemd);
        var handled = new HashSet<UnitEntry>();
        var tools = options.Tools;
        UnitEntry? Take(string section, string key)
        {
            foreach (var e in unit.Entries) if (e.Section == section && e.Key == key) handled.Add(e);
            return unit.Last(section, key);
        }
        List<UnitEntry> TakeAll(string section, string key)
        {
            foreach (var e in unit.Entries) if (e.Section == section && e.Key == key) handled.Add(e);
            return unit.All(section, key);
        }

        string unitName = unit.UnitName;
        string? user = Take("Service", "User")?.Value;
        string? group = Take("Service", "Group")?.Value;
        string? Specifier(char c) => c switch
        {
            'n' => unitName,
            'N' => unitName.EndsWith(".service", StringComparison.Ordinal) ? unitName[..^8] : unitName,
            'p' => Prefix(unitName),
            'i' or 'I' => Instance(unitName),
            'j' => Prefix(unitName).Split('-')[^1],
            't' => "/run", 'S' => "/var/lib", 'C' => "/var/cache", 'L' => "/var/log", 'E' => "/etc",
            'T' => "/tmp", 'V' => "/var/tmp",
            'u' => user ?? "root",
            'g' => group ?? user ?? "root",
            'h' => user == null || user == "root" ? "/root" : null,
            'H' => Environment.MachineName,
            _ => null,
        };

        string type = Take("Service", "Type")?.Value ?? (unit.Last("Service", "BusName") != null ? "dbus" : "simple");
        var typeEntry = unit.Last("Service", "Type");
        var starts = TakeAll("Service", "ExecStart");
        if (starts.Count == 0) throw new ImportException(path, "no ExecStart=: nothing to run");
        if (starts.Count > 1 && type != "oneshot")
            svc.Warn(starts[1].File, starts[1].Line, "more than one ExecStart= is for Type=oneshot: the later ones are not carried over");

        // run: what systemd runs as the unit's user, in its working directory.
        var run = new StringBuilder("#!/bin/sh\n");
        run.Append("# ExecStart= of ").Append(unitName).Append(", imported by perp-import; rc.main runs it")
            .Append(user != null ? " as User=" + user : "").Append(" with the unit's environment.\n");
        var commands = new List<(UnitEntry Entry, SystemdCommand Cmd)>();
        foreach (var e in TakeAll("Service", "ExecStartPre"))
            commands.Add((e, Command(svc, e, Specifier)));
        var mains = type == "oneshot" ? starts : starts.GetRange(0, 1);
        var mainCommands = mains.Select(e => (e, Command(svc, e, Specifier))).ToList();
        if (commands.Concat(mainCommands).Any(c => c.Item2.Splits)) run.Append("set -f\n");
        if (Take("Service", "UMask") is { } umask) run.Append("umask ").Append(Shell.Quote(umask.Value)).Append('\n');
        if (Take("Service", "WorkingDirectory") is { } wd)
        {
            bool optional = wd.Value.StartsWith('-');
            string dir = optional ? wd.Value[1..] : wd.Value;
            string target = dir == "~" ? "\"$HOME\"" : Shell.Quote(dir);
            run.Append("cd ").Append(target).Append(optional ? " 2>/dev/null || cd /\n" : " || exit 200\n");
        }
        else
        {
            run.Append("cd /\n");
        }
        StandardStreams(svc, run, Take("Service", "StandardOutput"), Take("Service", "StandardError"), Take("Service", "StandardInput"));
        foreach (var (e, cmd) in commands)
        {
            if (cmd.Privileged) svc.Warn(e.File, e.Line, "'+' or '!' (run with full privileges): runs as the service's user here");
            run.Append(cmd.ShellLine).Append(cmd.IgnoreFailure ? "\n" : " || exit $?\n");
        }
        for (int m = 0; m < mainCommands.Count; m++)
        {
            var (e, cmd) = mainCommands[m];
            if (cmd.Privileged) svc.Warn(e.File, e.Line, "'+' or '!' (run with full privileges): runs as the service's user here");
            bool last = m == mainCommands.Count - 1;
            run.Append(last ? "exec " + cmd.ShellLine + "\n" : cmd.ShellLine + (cmd.IgnoreFailure ? "\n" : " || exit $?\n"));
        }
        svc.AddText("run", run.ToString(), executable: true);

        // The chain rc.main puts before ./run: environment, then identity, readiness and limits.
        var chain = new List<string>();
        var tail = new List<string>();
        var conditional = new List<string>();
        var environment = new StringBuilder();
        foreach (var e in TakeAll("Service", "Environment"))
            foreach (string assignment in EnvironmentWords(e.Value))
            {
                int eq = assignment.IndexOf('=');
                if (eq <= 0) { svc.Warn(e.File, e.Line, $"'{assignment}' is not NAME=VALUE"); continue; }
                environment.Append(assignment[..eq]).Append('=').Append(RunenvValue(Expand(assignment[(eq + 1)..], Specifier))).Append('\n');
            }
        if (environment.Length > 0)
        {
            svc.AddText("environment", "# Environment= of " + unitName + " (runenv's format).\n" + environment);
            chain.Add(tools.Command("runenv") + " ./environment");
        }
        foreach (var e in TakeAll("Service", "EnvironmentFile"))
        {
            bool optional = e.Value.StartsWith('-');
            string file = Expand(optional ? e.Value[1..] : e.Value, Specifier);
            EnvironmentFileWarnings(svc, e, file);
            string words = tools.Command("runenv") + " " + Shell.Quote(file);
            if (optional) conditional.Add($"[ -r {Shell.Quote(file)} ] && set -- {words} \"$@\"");
            else chain.Add(words);
        }
        var limits = new List<string>();
        foreach (var e in unit.Entries.Where(x => x.Section == "Service" && x.Key.StartsWith("Limit", StringComparison.Ordinal)).ToList())
        {
            handled.Add(e);
            if (Limit(svc, e) is { } option) limits.Add(option);
        }
        if (Take("Service", "SupplementaryGroups") is { } supp)
            svc.Warn(supp.File, supp.Line, "SupplementaryGroups= is not carried over: runuid -s gives the user's own groups");
        if (Take("Service", "DynamicUser") is { Value: "yes" or "true" or "1" } dyn)
            svc.Warn(dyn.File, dyn.Line, "DynamicUser= is not carried over: make a user for it and set User=");
        if (user != null)
            tail.Add(tools.Command("runuid") + " -s" + (group != null ? " -g " + Shell.Quote(group) : "") + " " + Shell.Quote(user));
        else if (group != null)
        {
            var g = unit.Last("Service", "Group")!;
            svc.Warn(g.File, g.Line, "Group= without User=: not carried over (runuid needs an account)");
        }
        // Type=notify: runnotify after runuid, so its listener runs as the service's user and
        // accepts that user's READY=1.
        bool notify = type is "notify" or "notify-reload" && NotifyAccess(svc, Take("Service", "NotifyAccess"));
        string? runnotify = notify ? tools.Command("runnotify") + " -d " + NotifyFd : null;
        // runlimit comes last: the .NET runtime of every runtool raises the soft RLIMIT_NOFILE to
        // the hard limit when it starts, so a runtool after runlimit would undo LimitNOFILE=.
        string? runlimit = limits.Count > 0 ? tools.Command("runlimit") + " " + string.Join(' ', limits) : null;
        var startTail = new List<string>(tail);
        if (runnotify != null) startTail.Add(runnotify);
        if (runlimit != null)
        {
            startTail.Add(runlimit);
            tail.Add(runlimit);
        }

        var rc = new Runscript($"Imported from the systemd unit {path} by perp-import.",
            "perpd runs: rc.main start NAME, then after each exit rc.main reset NAME exit CODE | signal NUM NAME.");
        if (unit.Last("Unit", "Description") is { } desc) rc.Comment("Description: " + desc.Value);
        rc.Start.Add("exec 2>&1");
        if (conditional.Count == 0)
        {
            rc.Start.Add("exec " + string.Join("", chain.Concat(startTail).Select(c => c + " ")) + "./run");
        }
        else
        {
            // Optional EnvironmentFile=-: read only when present, so the chain is built at run
            // time, its runenv between the unit's other environment and the identity.
            rc.Start.Add("set -- " + string.Join("", startTail.Select(c => c + " ")) + "./run");
            for (int c = conditional.Count - 1; c >= 0; c--) rc.Start.Add(conditional[c]);
            if (chain.Count > 0) rc.Start.Add("exec " + string.Join(" ", chain) + " \"$@\"");
            else rc.Start.Add("exec \"$@\"");
        }

        // reset: ExecStopPost=, then the restart decision.
        var stopPost = TakeAll("Service", "ExecStopPost");
        if (stopPost.Count > 0)
        {
            var post = new StringBuilder("#!/bin/sh\n# ExecStopPost= of " + unitName + ", run by rc.main's reset.\ncd /\n");
            foreach (var e in stopPost)
            {
                var cmd = Command(svc, e, Specifier);
                post.Append(cmd.ShellLine).Append('\n');
            }
            svc.AddText("stop-post", post.ToString(), executable: true);
            rc.Reset.Add("# systemd's variables for ExecStopPost=.");
            rc.Reset.Add("if [ \"$3\" = exit ]; then EXIT_CODE=exited EXIT_STATUS=$4; [ \"$4\" = 0 ] && SERVICE_RESULT=success || SERVICE_RESULT=exit-code");
            rc.Reset.Add("else EXIT_CODE=killed EXIT_STATUS=${5#SIG} SERVICE_RESULT=signal; fi");
            rc.Reset.Add("export EXIT_CODE EXIT_STATUS SERVICE_RESULT");
            rc.Reset.Add(string.Join("", chain.Concat(tail).Select(c => c + " ")) + "./stop-post");
        }
        RestartPolicy(svc, unit, rc, Take, tools);

        svc.AddText("rc.main", rc.Build(), executable: true);
        if (!options.NoLog)
        {
            svc.AddText("rc.log", Runscript.Tinylog(tools, "log", $"Written by perp-import for {unitName}: main's output, as the journal had it."), executable: true);
            svc.Directories.Add("log");
        }

        // Types.
        switch (type)
        {
            case "simple" or "exec" or "idle":
                break;
            case "oneshot":
                svc.AddText(PolicyFiles.FlagOnce, "");
                break;
            case "forking":
                if (Take("Service", "PIDFile") is { } pf)
                    svc.AddText(PolicyFiles.PidFile, Expand(pf.Value, Specifier) + "\n");
                else
                    svc.Warn(typeEntry!.File, typeEntry.Line, "Type=forking without PIDFile=: perpd cannot find the daemon once it forks; give it PIDFile= (or run it in the foreground) and import again");
                break;
            case "notify" or "notify-reload":
                if (notify) svc.AddText(PolicyFiles.NotificationFd, NotifyFd + "\n");
                break;
            default:
                svc.Warn(typeEntry!.File, typeEntry.Line, $"Type={type} is not carried over: run as Type=simple");
                break;
        }
        if (type != "forking" && Take("Service", "PIDFile") is { } stray)
            svc.Warn(stray.File, stray.Line, "PIDFile= without Type=forking: not carried over");

        StopPolicy(svc, Take);
        Dependencies(svc, unit);
        foreach (var e in unit.Entries)
        {
            if (handled.Contains(e) || Array.IndexOf(Silent, e.Section + "." + e.Key) >= 0) continue;
            svc.Warn(e.File, e.Line, Unsupported(e));
        }
        return svc;
    }

    private static string Unsupported(UnitEntry e) => e.Key switch
    {
        "ExecStop" => "ExecStop= is not carried over: perpd stops the service with its down-signal (SIGTERM unless KillSignal=)",
        "ExecReload" => "ExecReload= is not carried over: perpctl h sends SIGHUP",
        "ExecStartPost" => "ExecStartPost= is not carried over: perp has no hook after a start",
        "TimeoutStartSec" => "TimeoutStartSec= is not carried over: perp has no start timeout",
        "Restart" or "RestartSec" => $"{e.Key}={e.Value} is not understood",
        "KillMode" => $"KillMode={e.Value} is not carried over: perpd signals the service's process",
        _ when e.Section == "Install" => $"[Install] {e.Key}= is not carried over: enable the service with perpctl A (or -Enable)",
        _ => $"{e.Key}= is not carried over",
    };

    private static SystemdCommand Command(ImportedService svc, UnitEntry e, Func<char, string?> specifier) =>
        SystemdCommand.Parse(e.Value, specifier, msg => svc.Warn(e.File, e.Line, msg));

    private static string Prefix(string unitName)
    {
        string n = unitName.EndsWith(".service", StringComparison.Ordinal) ? unitName[..^8] : unitName;
        int at = n.IndexOf('@');
        return at >= 0 ? n[..at] : n;
    }

    private static string? Instance(string unitName)
    {
        string n = unitName.EndsWith(".service", StringComparison.Ordinal) ? unitName[..^8] : unitName;
        int at = n.IndexOf('@');
        return at >= 0 && at + 1 < n.Length ? n[(at + 1)..] : null;
    }

    private static string Expand(string text, Func<char, string?> specifier)
    {
        var sb = new StringBuilder();
        for (int i = 0; i < text.Length; i++)
        {
            if (text[i] == '%' && i + 1 < text.Length)
            {
                char s = text[++i];
                sb.Append(s == '%' ? "%" : specifier(s) ?? "%" + s);
            }
            else sb.Append(text[i]);
        }
        return sb.ToString();
    }

    /// <summary>Environment='A=1 2' B=3: assignments separated by whitespace, quotes grouping.</summary>
    private static List<string> EnvironmentWords(string value)
    {
        var words = new List<string>();
        var sb = new StringBuilder();
        char quote = '\0';
        bool any = false;
        for (int i = 0; i < value.Length; i++)
        {
            char c = value[i];
            if (quote != '\0')
            {
                if (c == quote) quote = '\0';
                else if (c == '\\' && i + 1 < value.Length) sb.Append(value[++i]);
                else sb.Append(c);
            }
            else if (c is '"' or '\'') { quote = c; any = true; }
            else if (char.IsWhiteSpace(c)) { if (sb.Length > 0 || any) words.Add(sb.ToString()); sb.Clear(); any = false; }
            else if (c == '\\' && i + 1 < value.Length) sb.Append(value[++i]);
            else { sb.Append(c); any = true; }
        }
        if (sb.Length > 0 || any) words.Add(sb.ToString());
        return words;
    }

    /// <summary>A value as runenv reads it back: \n, \t, \\ escaped, a leading or trailing space as \_.</summary>
    public static string RunenvValue(string v)
    {
        var sb = new StringBuilder();
        for (int i = 0; i < v.Length; i++)
        {
            char c = v[i];
            sb.Append(c switch
            {
                '\\' => "\\\\",
                '\n' => "\\n",
                '\t' => "\\t",
                ' ' when i == 0 || i == v.Length - 1 => "\\_",
                _ => c.ToString(),
            });
        }
        return sb.ToString();
    }

    private static void EnvironmentFileWarnings(ImportedService svc, UnitEntry e, string file)
    {
        if (!File.Exists(file))
        {
            if (!e.Value.StartsWith('-')) svc.Warn(e.File, e.Line, $"{file} does not exist here: the service will not start until it does");
            return;
        }
        string[] lines = File.ReadAllLines(file);
        for (int i = 0; i < lines.Length; i++)
        {
            string l = lines[i].Trim();
            if (l.Length == 0 || l[0] is '#' or ';') continue;
            int eq = l.IndexOf('=');
            if (eq < 0) svc.Warn(file, i + 1, "a line without '=': runenv unsets that variable where systemd ignores the line");
            else if (l[(eq + 1)..].TrimStart() is { Length: > 0 } v && (v[0] is '"' or '\'' || v.EndsWith('\\')))
                svc.Warn(file, i + 1, "quoted or continued value: runenv keeps the quotes (write the value bare)");
            else if (l.StartsWith("export ", StringComparison.Ordinal)) svc.Warn(file, i + 1, "'export' is not part of the format runenv reads");
        }
    }

    private static string? Limit(ImportedService svc, UnitEntry e)
    {
        char? letter = e.Key switch
        {
            "LimitAS" => 'a', "LimitCORE" => 'c', "LimitDATA" => 'd', "LimitFSIZE" => 'f', "LimitMEMLOCK" => 'l',
            "LimitNOFILE" => 'o', "LimitNPROC" => 'p', "LimitRSS" => 'r', "LimitSTACK" => 's', "LimitCPU" => 't',
            _ => null,
        };
        if (letter == null)
        {
            svc.Warn(e.File, e.Line, $"{e.Key}= is not carried over: runlimit has no such limit");
            return null;
        }
        string value = e.Value;
        int colon = value.IndexOf(':');
        if (colon >= 0)
        {
            svc.Warn(e.File, e.Line, "the hard limit after ':' is not carried over: runlimit sets the soft limit (up to perpd's hard limit)");
            value = value[..colon];
        }
        if (value == "infinity") return "-" + letter + " =";
        if (letter == 't' && TimeSpanText.Milliseconds(value) is { } ms && ms != long.MaxValue) value = (ms / 1000).ToString(System.Globalization.CultureInfo.InvariantCulture);
        ulong mult = 1;
        if (value.Length > 0 && char.ToUpperInvariant(value[^1]) is 'K' or 'M' or 'G' or 'T')
        {
            mult = char.ToUpperInvariant(value[^1]) switch { 'K' => 1UL << 10, 'M' => 1UL << 20, 'G' => 1UL << 30, _ => 1UL << 40 };
            value = value[..^1];
        }
        if (!ulong.TryParse(value, out ulong n) || n * mult > uint.MaxValue)
        {
            svc.Warn(e.File, e.Line, $"{e.Key}={e.Value} is not a value runlimit takes (a number up to 4294967295)");
            return null;
        }
        return "-" + letter + " " + (n * mult);
    }

    private static void StandardStreams(ImportedService svc, StringBuilder run, UnitEntry? stdout, UnitEntry? stderr, UnitEntry? stdin)
    {
        foreach (var (e, fd) in new[] { (stdout, "1"), (stderr, "2") })
        {
            if (e == null) continue;
            string v = e.Value;
            if (v is "journal" or "syslog" or "kmsg" or "journal+console" or "inherit" or "tty") continue;
            if (v == "null") run.Append("exec ").Append(fd).Append(">/dev/null\n");
            else if (v.StartsWith("file:", StringComparison.Ordinal)) run.Append("exec ").Append(fd).Append('>').Append(Shell.Quote(v[5..])).Append('\n');
            else if (v.StartsWith("append:", StringComparison.Ordinal)) run.Append("exec ").Append(fd).Append(">>").Append(Shell.Quote(v[7..])).Append('\n');
            else svc.Warn(e.File, e.Line, $"{e.Key}={v} is not carried over: output goes to rc.log");
        }
        if (stdin != null && stdin.Value != "null")
            svc.Warn(stdin.File, stdin.Line, $"StandardInput={stdin.Value} is not carried over: perp gives /dev/null");
    }

    private static void RestartPolicy(ImportedService svc, SystemdUnit unit, Runscript rc,
        Func<string, string, UnitEntry?> take, ToolPaths tools)
    {
        var restartEntry = take("Service", "Restart");
        string restart = restartEntry?.Value ?? "no";
        var secEntry = take("Service", "RestartSec");
        long delayMs = 100;
        if (secEntry != null)
        {
            if (TimeSpanText.Milliseconds(secEntry.Value) is { } ms && ms != long.MaxValue) delayMs = ms;
            else svc.Warn(secEntry.File, secEntry.Line, $"RestartSec={secEntry.Value} is not a time span");
        }
        var success = take("Service", "SuccessExitStatus");
        var prevent = take("Service", "RestartPreventExitStatus");
        var force = take("Service", "RestartForceExitStatus");
        string down = tools.Command("perpctl") + " -q d \"$(pwd)\"";
        // A "clean" end (systemd.service(5)): exit 0 or SuccessExitStatus=, or SIGHUP, SIGINT, SIGTERM, SIGPIPE.
        var clean = new List<string> { "'exit 0'", "'signal 1'", "'signal 2'", "'signal 13'", "'signal 15'" };
        clean.AddRange(StatusPatterns(svc, success));
        string pause = delayMs >= 1000
            ? "sleep " + (delayMs % 1000 == 0 ? (delayMs / 1000).ToString(System.Globalization.CultureInfo.InvariantCulture) : (delayMs / 1000.0).ToString("0.###", System.Globalization.CultureInfo.InvariantCulture))
            : "";
        var lines = new List<string>();
        switch (restart)
        {
            case "no":
                rc.Comment("Restart=no: flag.once, main runs once per start.");
                svc.AddText(PolicyFiles.FlagOnce, "");
                return;
            case "always":
                lines.Add("*) " + (pause.Length > 0 ? pause + " " : "") + ";;");
                break;
            case "on-failure":
                lines.Add(string.Join("|", clean) + ") " + down + " ;;");
                lines.Add("*) " + pause + " ;;");
                break;
            case "on-success":
                lines.Add(string.Join("|", clean) + ") " + pause + " ;;");
                lines.Add("*) " + down + " ;;");
                break;
            case "on-abnormal" or "on-abort":
                lines.Add("'exit '*|" + string.Join("|", clean.Where(c => c.StartsWith("'signal", StringComparison.Ordinal))) + ") " + down + " ;;");
                lines.Add("*) " + pause + " ;;");
                break;
            case "on-watchdog":
                svc.Warn(restartEntry!.File, restartEntry.Line, "Restart=on-watchdog: perp has no watchdog, so the service is never restarted (flag.once)");
                svc.AddText(PolicyFiles.FlagOnce, "");
                return;
            default:
                svc.Warn(restartEntry!.File, restartEntry.Line, $"Restart={restart} is not understood: perp restarts always");
                return;
        }
        if (restart != "always" || pause.Length > 0 || prevent != null || force != null)
        {
            rc.Reset.Add($"# Restart={restart}" + (pause.Length > 0 ? $", RestartSec={secEntry!.Value}" : "") +
                ": perpctl d keeps the service down after an end that systemd would not restart.");
            rc.Reset.Add("case \"$3 $4\" in");
            if (force != null) rc.Reset.Add("  " + string.Join("|", StatusPatterns(svc, force)) + ") " + pause + " ;;");
            if (prevent != null) rc.Reset.Add("  " + string.Join("|", StatusPatterns(svc, prevent)) + ") " + down + " ;;");
            foreach (string l in lines) rc.Reset.Add("  " + l);
            rc.Reset.Add("esac");
        }
        if (delayMs > 0 && delayMs < 1000 && secEntry != null)
            svc.Warn(secEntry.File, secEntry.Line, "a RestartSec= below one second: perp's governor spaces starts one second apart");
    }

    /// <summary>"1 2 SIGKILL" → case patterns on "$3 $4".</summary>
    private static List<string> StatusPatterns(ImportedService svc, UnitEntry? e)
    {
        var list = new List<string>();
        if (e == null) return list;
        foreach (string w in e.Value.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            if (uint.TryParse(w, out uint code)) list.Add($"'exit {code}'");
            else if (SignalNames.Parse(w) is > 0 and var sig) list.Add($"'signal {sig}'");
            else svc.Warn(e.File, e.Line, $"'{w}' is neither an exit status nor a signal: ignored");
        }
        return list;
    }

    /// <summary>TimeoutStopSec= (or TimeoutSec=) → timeout-kill in milliseconds; KillSignal= → down-signal.</summary>
    private static void StopPolicy(ImportedService svc, Func<string, string, UnitEntry?> take)
    {
        var both = take("Service", "TimeoutSec");
        var timeout = take("Service", "TimeoutStopSec") ?? both;
        if (both != null) svc.Warn(both.File, both.Line, "TimeoutSec= sets the start timeout too: only its stop part is carried over (timeout-kill)");
        if (timeout != null)
        {
            long? ms = TimeSpanText.Milliseconds(timeout.Value);
            if (ms == null) svc.Warn(timeout.File, timeout.Line, $"{timeout.Key}={timeout.Value} is not a time span");
            else if (ms == long.MaxValue || ms == 0)
                svc.Warn(timeout.File, timeout.Line, $"{timeout.Key}={timeout.Value} (never kill) is not carried over: perpd's stop timeout applies");
            else svc.AddText(PolicyFiles.TimeoutKill, ms + "\n");
        }
        if (take("Service", "KillSignal") is { } kill)
        {
            int sig = int.TryParse(kill.Value, out int n) ? n : SignalNames.Parse(kill.Value);
            if (sig <= 0 || SignalNames.Name(sig) == "SIGUNKNOWN")
                svc.Warn(kill.File, kill.Line, $"KillSignal={kill.Value} is not a signal perp knows: SIGTERM is sent");
            else svc.AddText(PolicyFiles.DownSignal, SignalNames.Name(sig) + "\n");
        }
        if (take("Service", "SendSIGKILL") is { Value: "no" or "false" or "0" } nokill)
            svc.Warn(nokill.File, nokill.Line, "SendSIGKILL=no is not carried over: perpd kills after the stop timeout");
    }

    private static void Dependencies(ImportedService svc, SystemdUnit unit)
    {
        var after = new HashSet<string>();
        foreach (var e in unit.All("Unit", "After"))
            foreach (string u in e.Value.Split(' ', StringSplitOptions.RemoveEmptyEntries)) after.Add(u);
        var deps = new List<string>();
        foreach (string key in new[] { "Requires", "BindsTo", "Wants" })
            foreach (var e in unit.All("Unit", key))
                foreach (string u in e.Value.Split(' ', StringSplitOptions.RemoveEmptyEntries))
                {
                    if (key == "Wants" && !after.Contains(u)) continue;
                    if (!u.EndsWith(".service", StringComparison.Ordinal))
                    {
                        svc.Warn(e.File, e.Line, $"{key}={u}: not a service, no dependency written");
                        continue;
                    }
                    string n = u[..^8];
                    if (!deps.Contains(n)) deps.Add(n);
                }
        if (deps.Count > 0) svc.AddText(PolicyFiles.Dependencies, string.Join("", deps.Select(d => d + "\n")));
    }

    /// <summary>The notification fd perpd gives rc.main of a Type=notify unit (runnotify -d).</summary>
    private const string NotifyFd = "3";

    /// <summary>
    /// NotifyAccess=: main, exec and all are served alike (runnotify accepts notifications from
    /// any process of the service's user); none means systemd ignores them, so no readiness.
    /// </summary>
    private static bool NotifyAccess(ImportedService svc, UnitEntry? access)
    {
        if (access == null || access.Value is "main" or "exec" or "all") return true;
        if (access.Value == "none")
        {
            svc.Warn(access.File, access.Line, "NotifyAccess=none: notifications are not read, so the service is ready half a second after it starts");
            return false;
        }
        svc.Warn(access.File, access.Line, $"NotifyAccess={access.Value} is not understood: served as NotifyAccess=all");
        return true;
    }
}
