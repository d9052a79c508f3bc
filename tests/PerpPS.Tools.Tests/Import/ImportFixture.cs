using PerpPS.Core.Import;

namespace PerpPS.Tools.Tests.Import;

/// <summary>
/// The realistic definitions under Fixtures/Import (a runit web service with log/run, finish,
/// check, down and env/; an s6 longrun; daemontools services; systemd units; a Procfile), and
/// running perp-import on them into a temp base.
/// </summary>
internal static class ImportFixture
{
    public static string Root { get; } = Path.Combine(RepoPaths.Root, "tests", "PerpPS.Tools.Tests", "Fixtures", "Import");

    public static string Path_(string relative) => Path.Combine(Root, relative);

    /// <summary>The tools as the generated scripts name them: the binaries under test.</summary>
    public static ImportOptions Options(ImportFormat format = ImportFormat.Auto, string? name = null, bool noLog = false)
    {
        var tools = new ToolPaths([RepoPaths.BinDirectory], searchPath: false);
        return new ImportOptions { Format = format, Name = name, NoLog = noLog, Tools = tools, IsInstalled = _ => false };
    }

    /// <summary>The environment perp-import and perpd run with: the binaries under test first on PATH.</summary>
    public static Dictionary<string, string?> Environment() => new()
    {
        ["PERP_BASE"] = null,
        ["PATH"] = RepoPaths.BinDirectory + ":/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin",
    };

    public static ToolResult PerpImport(params string[] args) =>
        ToolRunner.Run("perp-import", args, RepoPaths.Root, Environment());

    /// <summary>A copy of a fixture with @DIR@, @USER@ and @GROUP@ replaced (units name absolute paths).</summary>
    public static string Instantiate(string relative, string into, IDictionary<string, string> values)
    {
        string source = Path_(relative);
        foreach (string file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            string target = Path.Combine(into, Path.GetRelativePath(source, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            string text = File.ReadAllText(file);
            foreach (var (k, v) in values) text = text.Replace(k, v);
            File.WriteAllText(target, text);
            File.SetUnixFileMode(target, File.GetUnixFileMode(file));
        }
        return into;
    }

    public static string Text(ImportedService svc, string file) =>
        System.Text.Encoding.UTF8.GetString(svc.Files.Single(f => f.RelativePath == file).Content);
}
