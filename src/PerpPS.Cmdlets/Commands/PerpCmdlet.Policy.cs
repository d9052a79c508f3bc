using System.Management.Automation;
using PerpPS.Cmdlets.Engine;
using PerpPS.Core.Policy;

namespace PerpPS.Cmdlets;

/// <summary>
/// Writing the policy files of New-PerpService and Set-PerpService: the bound parameters are
/// checked first (nothing is written when one is bad), then written or removed.
/// </summary>
public abstract partial class PerpCmdlet
{
    /// <summary>True when any policy parameter was given.</summary>
    internal bool HasPolicyParameters => PolicyFiles.Parameters.Any(MyInvocation.BoundParameters.ContainsKey);

    /// <summary>The file changes the policy parameters ask for; null (a PerpServiceInvalidPolicy error written) when a value is bad.</summary>
    internal List<PolicyFiles.Change>? PlanPolicy(string serviceName)
    {
        var changes = PolicyFiles.Plan(MyInvocation.BoundParameters, serviceName, FileSystemPath, out var error);
        if (error == null) return changes;
        WriteError(error);
        return null;
    }

    /// <summary>Writes the planned files into the service directory; false (PerpServiceFileError written) when that fails.</summary>
    internal bool ApplyPolicy(string baseDirectory, string serviceName, List<PolicyFiles.Change> changes)
    {
        if (changes.Count == 0) return true;
        try
        {
            PolicyFiles.Apply(Path.Combine(baseDirectory, serviceName), changes);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            WriteError(new ErrorRecord(e, ErrorIds.FileError, ErrorCategory.WriteError, serviceName));
            return false;
        }
        if (changes.Any(c => c.File == ServicePolicy.DependenciesFile))
        {
            ForgetDependencyMap(baseDirectory);
            var map = DependencyMap(baseDirectory);
            if (DependencyGraph.CycleThrough(serviceName, n => map.GetValueOrDefault(n)) is { } cycle)
                WriteWarning($"Perp service '{serviceName}' is now in a dependency cycle ({string.Join(" -> ", cycle)}): perpd will not start it.");
        }
        WriteVerbose($"Perp service '{serviceName}': {string.Join(", ", changes.Select(c => (c.Content == null ? "removed " : "wrote ") + c.File))}; perpd reads them at the next start.");
        return true;
    }

    /// <summary>A PowerShell path as a file-system path, or null when it is not one.</summary>
    private string? FileSystemPath(string text)
    {
        try
        {
            return GetUnresolvedProviderPathFromPSPath(text);
        }
        catch (Exception e) when (e is ProviderNotFoundException or System.Management.Automation.DriveNotFoundException or PSInvalidOperationException
                                      or NotSupportedException or ArgumentException or ItemNotFoundException)
        {
            return null;
        }
    }
}
