namespace PerpPS.Core.Import;

/// <summary>
/// The importers' entry: what a path holds (a service directory, a directory of them, a unit
/// file or a directory of units, a Procfile) becomes perp service definitions in memory;
/// <see cref="ServiceWriter"/> writes them. Both perp-import and Import-PerpService call this.
/// </summary>
public static class ServiceImporter
{
    public static List<ImportedService> Import(string path, ImportOptions options)
    {
        string full = Path.GetFullPath(path).TrimEnd('/');
        if (full.Length == 0) full = "/";
        if (!File.Exists(full) && !Directory.Exists(full)) throw new ImportException(path, "no such file or directory");
        ImportFormat format = options.Format != ImportFormat.Auto ? options.Format
            : FormatGuess.Guess(full) ?? throw new ImportException(path, "neither a service directory, a unit file nor a Procfile (name the format)");
        var services = new List<ImportedService>();
        switch (format)
        {
            case ImportFormat.Systemd:
                foreach (string unit in Directory.Exists(full) ? Directory.EnumerateFiles(full, "*.service").Order(StringComparer.Ordinal).ToArray() : new[] { full })
                    services.Add(SystemdImporter.Import(unit, UnitServiceName(unit), options));
                break;
            case ImportFormat.Procfile:
                services.AddRange(ProcfileImporter.Import(Directory.Exists(full) ? Path.Combine(full, "Procfile") : full, options));
                break;
            default:
                if (!Directory.Exists(full)) throw new ImportException(path, $"a {format} service is a directory");
                if (File.Exists(Path.Combine(full, "run")) || File.Exists(Path.Combine(full, "type")))
                    services.Add(DirectoryImporter.Import(full, Path.GetFileName(full), format, options));
                else
                    foreach (string sub in Directory.EnumerateDirectories(full).Order(StringComparer.Ordinal))
                    {
                        if (Path.GetFileName(sub).StartsWith('.') || !File.Exists(Path.Combine(sub, "run"))) continue;
                        services.Add(DirectoryImporter.Import(sub, Path.GetFileName(sub), options.Format == ImportFormat.Auto ? FormatGuess.Guess(sub) ?? format : format, options));
                    }
                break;
        }
        if (!services.Any(s => s.Name.Length > 0)) throw new ImportException(path, "no service found");
        if (options.Name != null)
        {
            if (services.Count(s => s.Name.Length > 0) != 1)
                throw new ImportException(path, $"a name is for a single service, and {services.Count} were found (use a prefix instead)");
            services.First(s => s.Name.Length > 0).Name = options.Name;
        }
        foreach (var s in services)
        {
            if (s.Name.Length == 0) continue;
            if (options.Prefix != null) s.Name = options.Prefix + s.Name;
            if (s.Name.Contains('/') || s.Name.StartsWith('.'))
                throw new ImportException(path, $"'{s.Name}' cannot be a service name: it contains '/' or starts with '.'");
        }
        return services;
    }

    private static string UnitServiceName(string unit)
    {
        string n = Path.GetFileName(unit);
        return n.EndsWith(".service", StringComparison.Ordinal) ? n[..^8] : n;
    }
}
