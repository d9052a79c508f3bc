namespace PerpPS.Core.Import;

/// <summary>What the caller decides about an import.</summary>
public sealed class ImportOptions
{
    public ImportFormat Format { get; init; } = ImportFormat.Auto;
    /// <summary>The service name for a single import (else the source's own name).</summary>
    public string? Name { get; init; }
    /// <summary>Put before every service name (several services from one Procfile, say).</summary>
    public string? Prefix { get; init; }
    /// <summary>Write no tinylog rc.log where the source has no logger of its own (systemd, Procfile).</summary>
    public bool NoLog { get; init; }
    /// <summary>How generated scripts name perp's programs.</summary>
    public ToolPaths Tools { get; init; } = new();
    /// <summary>Whether a program is installed here (for the warnings about runit's or s6's tools); default: on PATH.</summary>
    public Func<string, bool>? IsInstalled { get; init; }
}
