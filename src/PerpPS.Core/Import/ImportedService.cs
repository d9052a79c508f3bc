namespace PerpPS.Core.Import;

/// <summary>One file of a service directory the import writes (path relative to it, '/' separated).</summary>
public sealed record ServiceFile(string RelativePath, byte[] Content, UnixFileMode Mode)
{
    public const UnixFileMode Executable = (UnixFileMode)0b111_101_101;
    public const UnixFileMode Plain = (UnixFileMode)0b110_100_100;

    public static ServiceFile Text(string path, string text, bool executable = false) =>
        new(path, System.Text.Encoding.UTF8.GetBytes(text), executable ? Executable : Plain);
}

/// <summary>
/// A converted service: the perp service directory to write (files, empty directories,
/// flag files), where it came from, and what could not be carried over.
/// </summary>
public sealed class ImportedService
{
    public ImportedService(string name, string source, ImportFormat format)
    {
        Name = name;
        Source = source;
        Format = format;
    }

    /// <summary>The service directory's name in the base.</summary>
    public string Name { get; set; }
    /// <summary>The file or directory it was read from.</summary>
    public string Source { get; }
    public ImportFormat Format { get; }
    public List<ServiceFile> Files { get; } = new();
    /// <summary>Directories to create even when no file lands in them (e.g. a logger's data directory).</summary>
    public List<string> Directories { get; } = new();
    public List<ImportWarning> Warnings { get; } = new();

    public void Add(ServiceFile file)
    {
        Files.RemoveAll(f => f.RelativePath == file.RelativePath);
        Files.Add(file);
    }

    public void AddText(string path, string text, bool executable = false) => Add(ServiceFile.Text(path, text, executable));

    public bool Has(string relativePath) => Files.Exists(f => f.RelativePath == relativePath);

    public void Warn(string sourceFile, int line, string message) => Warnings.Add(new ImportWarning(sourceFile, line, message));
}
