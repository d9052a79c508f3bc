namespace PerpPS.Core.Import;

/// <summary>A source that cannot be imported at all (no run file, no ExecStart=, unreadable).</summary>
public sealed class ImportException(string source, string message) : Exception(message)
{
    public string SourcePath { get; } = source;
}
