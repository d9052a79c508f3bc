using System.Globalization;
using System.Management.Automation;
using PerpPS.Core.Policy;

namespace PerpPS.Cmdlets.Engine;

/// <summary>
/// The policy parameters of New-PerpService and Set-PerpService (-DependsOn, -ReadyFd,
/// -HealthCheck, -CheckInterval, -StopTimeout, -StopSignal, -RestartBackoff, -GiveUp) turned
/// into the plain files perpd reads at each start (docs/service-policy.md). Each value is
/// checked by perpd's own rule (Core's PolicyValue) before anything is written; $null (or an
/// empty value) removes the file.
/// </summary>
internal static class PolicyFiles
{
    public const string InvalidPolicy = "PerpServiceInvalidPolicy";

    /// <summary>One file to write (Content) or remove (Content null).</summary>
    public readonly record struct Change(string File, byte[]? Content, bool Executable);

    /// <summary>The parameter names, as bound (a parameter not given changes nothing).</summary>
    public static readonly string[] Parameters =
        ["DependsOn", "ReadyFd", "HealthCheck", "CheckInterval", "StopTimeout", "StopSignal", "RestartBackoff", "GiveUp"];

    /// <summary>
    /// The changes the bound policy parameters ask for, or an ErrorRecord (id
    /// PerpServiceInvalidPolicy) for the first value perpd could not use.
    /// <paramref name="resolvePath"/> turns a PowerShell path into a file-system path, or null.
    /// </summary>
    public static List<Change> Plan(IDictionary<string, object> bound, string serviceName, Func<string, string?> resolvePath, out ErrorRecord? error)
    {
        error = null;
        var changes = new List<Change>();
        foreach (string parameter in Parameters)
        {
            if (!bound.TryGetValue(parameter, out object? raw)) continue;
            object? value = raw is PSObject pso ? pso.BaseObject : raw;
            var change = parameter switch
            {
                "DependsOn" => Dependencies(value as string[], serviceName, out error),
                "ReadyFd" => Number(ServicePolicy.NotificationFdFile, parameter, value as int?, out error),
                "HealthCheck" => Check(value as string, resolvePath, out error),
                "CheckInterval" => Number(ServicePolicy.CheckIntervalFile, parameter, value as int?, out error),
                "StopTimeout" => StopTimeout(value as double?, out error),
                "StopSignal" => Text(ServicePolicy.DownSignalFile, parameter, value as string, out error),
                "RestartBackoff" => Number(ServicePolicy.RestartBackoffFile, parameter, value as int?, out error),
                _ => Text(ServicePolicy.GiveUpFile, parameter, value is string[] parts ? string.Join(' ', parts) : null, out error),
            };
            if (error != null) return [];
            changes.Add(change);
        }
        return changes;
    }

    /// <summary>Writes (mode 0644, 0755 for the check) or removes each file in the service directory.</summary>
    public static void Apply(string serviceDirectory, IEnumerable<Change> changes)
    {
        foreach (var c in changes)
        {
            string path = Path.Combine(serviceDirectory, c.File);
            if (c.Content == null)
            {
                File.Delete(path);
                continue;
            }
            // Written beside and renamed: perpd reading it at a start sees the old or the new file, never half of one.
            string temp = path + ".new";
            File.WriteAllBytes(temp, c.Content);
            File.SetUnixFileMode(temp, c.Executable ? (UnixFileMode)0b111_101_101 : (UnixFileMode)0b110_100_100);
            File.Move(temp, path, overwrite: true);
        }
    }

    private static Change Dependencies(string[]? names, string self, out ErrorRecord? error)
    {
        error = null;
        var list = (names ?? []).Where(n => !string.IsNullOrWhiteSpace(n)).Select(n => n.Trim()).ToList();
        if (list.Count == 0) return new Change(ServicePolicy.DependenciesFile, null, false);
        foreach (string n in list)
        {
            if (!ServicePolicy.IsServiceName(n))
            {
                error = Invalid("DependsOn", n, $"'{n}' is not a service name (no '/', not starting with '.', no control characters, at most 240 bytes).");
                return default;
            }
            if (n == self)
            {
                error = Invalid("DependsOn", n, $"a service cannot depend on itself ('{n}').");
                return default;
            }
        }
        string text = string.Join('\n', list.Distinct(StringComparer.Ordinal)) + "\n";
        return new Change(ServicePolicy.DependenciesFile, System.Text.Encoding.UTF8.GetBytes(text), false);
    }

    private static Change Number(string file, string parameter, int? value, out ErrorRecord? error) =>
        Text(file, parameter, value?.ToString(CultureInfo.InvariantCulture), out error);

    private static Change StopTimeout(double? seconds, out ErrorRecord? error)
    {
        error = null;
        if (seconds is not { } s) return new Change(ServicePolicy.TimeoutKillFile, null, false);
        double ms = Math.Round(s * 1000);
        if (!double.IsFinite(s) || ms < 1 || ms > 86_400_000)
        {
            error = Invalid("StopTimeout", s, $"-StopTimeout {s.ToString(CultureInfo.InvariantCulture)} must be seconds from 0.001 to 86400 (file timeout-kill holds milliseconds).");
            return default;
        }
        return Text(ServicePolicy.TimeoutKillFile, "StopTimeout", ((long)ms).ToString(CultureInfo.InvariantCulture), out error);
    }

    /// <summary>A one-line value file, checked by perpd's rule; null or blank removes it.</summary>
    private static Change Text(string file, string parameter, string? text, out ErrorRecord? error)
    {
        error = null;
        if (string.IsNullOrWhiteSpace(text)) return new Change(file, null, false);
        string value = text.Trim();
        string? why = value.Contains('\n') ? "must be one line" : PolicyValue.Problem(file, value);
        if (why != null)
        {
            error = Invalid(parameter, text, $"-{parameter} '{value}' cannot be used: file {file}: {why}.");
            return default;
        }
        return new Change(file, System.Text.Encoding.UTF8.GetBytes(value + "\n"), false);
    }

    /// <summary>-HealthCheck: a path to an existing file is copied, anything else is script text (a #! line added when it has none).</summary>
    private static Change Check(string? given, Func<string, string?> resolvePath, out ErrorRecord? error)
    {
        error = null;
        if (string.IsNullOrWhiteSpace(given)) return new Change(ServicePolicy.CheckFile, null, false);
        if (!given.Contains('\n') && resolvePath(given.Trim()) is { } path && File.Exists(path))
        {
            byte[] bytes;
            try
            {
                bytes = File.ReadAllBytes(path);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                error = new ErrorRecord(e, InvalidPolicy, ErrorCategory.ReadError, given);
                return default;
            }
            return new Change(ServicePolicy.CheckFile, bytes, true);
        }
        string script = given.StartsWith("#!", StringComparison.Ordinal) ? given : "#!/bin/sh\n" + given;
        if (!script.EndsWith('\n')) script += "\n";
        return new Change(ServicePolicy.CheckFile, System.Text.Encoding.UTF8.GetBytes(script), true);
    }

    private static ErrorRecord Invalid(string parameter, object? value, string message) =>
        new(new ArgumentException(message, parameter), InvalidPolicy, ErrorCategory.InvalidArgument, value);
}
