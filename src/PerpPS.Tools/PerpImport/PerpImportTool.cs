using System.Text;
using PerpPS.Core.Client;
using PerpPS.Core.Import;
using PerpPS.Tools.Cli;
using PerpPS.Tools.Common;
using PerpPS.Tools.Io;

namespace PerpPS.Tools.PerpImport;

/// <summary>
/// perp-import: runit, daemontools and s6 service directories, systemd units and Procfiles
/// into perp service directories (the converters are Core's <see cref="ServiceImporter"/>,
/// shared with Import-PerpService). One line per service on stdout; what could not be
/// carried over is a warning on stderr naming the source file and line. Exit 0, 111 when a
/// source or a service could not be imported or written, 100 on usage errors.
/// </summary>
internal static class PerpImportTool
{
    public const string Usage = "[-hV] [-b basedir] [-f format] [-n name] [-p prefix] [-e] [-L] [-w] path [path ...]";

    public static int Run(ToolContext tool, Argv argv)
    {
        string? baseArg = null, name = null, prefix = null;
        var format = ImportFormat.Auto;
        bool enable = false, noLog = false, whatIf = false;
        var opt = ClientOptions.Parse(tool, argv, "hVb:f:n:p:eLw", (c, o) =>
        {
            switch (c)
            {
                case 'f':
                    if (!Enum.TryParse(o.Argument, ignoreCase: true, out format) || format == ImportFormat.Auto)
                        throw tool.FatalUsage("unknown format '" + o.Argument + "' (runit, daemontools, s6, systemd, procfile)");
                    return true;
                case 'n': name = o.Argument; return true;
                case 'p': prefix = o.Argument; return true;
                case 'e': enable = true; return true;
                case 'L': noLog = true; return true;
                case 'w': whatIf = true; return true;
                default: return false;
            }
        }, b => baseArg = Encoding.UTF8.GetString(b));
        if (opt.Index >= argv.Count) throw tool.FatalUsage("missing argument: no path given");
        if (name != null && argv.Count - opt.Index > 1) throw tool.FatalUsage("-n names a single import, and several paths were given");

        string baseDirectory = BaseResolver.Absolute(BaseResolver.ForDaemon(baseArg));
        var options = new ImportOptions
        {
            Format = format, Name = name, Prefix = prefix, NoLog = noLog,
            Tools = new ToolPaths(OwnDirectory()),
        };
        int failures = 0, written = 0;
        for (int i = opt.Index; i < argv.Count; i++)
        {
            string path = argv.Text[i];
            List<ImportedService> services;
            try
            {
                services = ServiceImporter.Import(path, options);
            }
            catch (Exception e) when (e is ImportException or IOException or UnauthorizedAccessException)
            {
                tool.Err(tool.Prog().S(": error: " + path + ": " + e.Message));
                failures++;
                continue;
            }
            foreach (var svc in services)
            {
                foreach (var w in svc.Warnings) tool.Err(tool.Prog().S(": warning: " + w));
                if (svc.Name.Length == 0) continue;
                string target = Path.Combine(baseDirectory, svc.Name);
                if (whatIf)
                {
                    tool.Out(new Line().S($"would import {svc.Format.ToString().ToLowerInvariant()} {svc.Source} as {target}: " +
                        string.Join(" ", svc.Files.Select(f => f.RelativePath))));
                    continue;
                }
                try
                {
                    ServiceWriter.Write(baseDirectory, svc, enable);
                    written++;
                    tool.Out(new Line().S($"imported {svc.Format.ToString().ToLowerInvariant()} {svc.Source} as {target}{(enable ? " (enabled)" : "")}"));
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    tool.Err(tool.Prog().S(": error: " + svc.Name + ": " + e.Message));
                    failures++;
                }
            }
        }
        if (enable && written > 0 && ServiceWriter.Rescan(baseDirectory) == 0)
            tool.Err(tool.Prog().S(": warning: perpd is not running on " + baseDirectory + ": the services start when it does"));
        return failures > 0 ? 111 : 0;
    }

    /// <summary>Where this binary is: the generated scripts name the runtools beside it.</summary>
    private static string[] OwnDirectory() =>
        Environment.ProcessPath is { } p && Path.GetDirectoryName(p) is { } d ? [d] : [];
}
