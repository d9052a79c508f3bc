using System.Collections.ObjectModel;
using System.Management.Automation;
using System.Management.Automation.Runspaces;

namespace PerpPS.Cmdlets.Tests;

/// <summary>
/// A real PowerShell engine (Microsoft.PowerShell.SDK 7.6.9, the built-in cmdlets included) with the Perp module imported
/// from the module folder under test (the checkout's module/Perp.psd1 by default), as a user would: Import-Module by path.
/// </summary>
public sealed class PowerShellSession : IDisposable
{
    private readonly Runspace _runspace;

    public PowerShellSession()
    {
        string manifest = ManifestPath;
        string dll = Path.Combine(ModulePaths.ModuleDirectory, "bin", "PerpPS.Cmdlets.dll");
        if (!File.Exists(dll))
            throw new FileNotFoundException(
                $"{dll} is missing: build the module first (./build.sh, or dotnet publish src/PerpPS.Cmdlets -c Release -o module/bin)", dll);
        // CreateDefault: the engine with the built-in cmdlets of the SDK's assemblies
        // (Microsoft.PowerShell.Utility, .Management, .Security), as pwsh has them.
        var iss = InitialSessionState.CreateDefault();
        _runspace = RunspaceFactory.CreateRunspace(iss);
        _runspace.Open();
        Invoke("Import-Module -Name $args[0] -ErrorAction Stop", manifest).ThrowOnError();
    }

    /// <summary>Perp.psd1 of the module under test (see <see cref="ModulePaths.ModuleDirectory"/>).</summary>
    public static string ManifestPath => ModulePaths.Manifest;

    /// <summary>Get-PerpService for one service, which must exist.</summary>
    public PerpService GetService(string baseDirectory, string name) =>
        Invoke("Get-PerpService -Base $args[0] -Name $args[1]", baseDirectory, name).ThrowOnError().Single<PerpService>();

    /// <summary>Waits (with <see cref="PerpBase.Patience"/>) until Get-PerpService reports <paramref name="status"/>.</summary>
    public void WaitServiceStatus(string baseDirectory, string name, PerpServiceStatus status) =>
        Wait.Until(() => GetService(baseDirectory, name).Status == status, $"{name} to be {status}", PerpBase.Patience);

    /// <summary>Runs a script with positional $args; collects output and non-terminating errors.</summary>
    public PsResult Invoke(string script, params object?[] args)
    {
        using var ps = PowerShell.Create();
        ps.Runspace = _runspace;
        ps.AddScript(script);
        foreach (var a in args) ps.AddArgument(a);
        Collection<PSObject> output;
        try
        {
            output = ps.Invoke();
        }
        catch (RuntimeException e)
        {
            return new PsResult(new List<PSObject>(), ps.Streams.Error.ToList(), ps.Streams.Warning.Select(w => w.Message).ToList(), e);
        }
        return new PsResult(output.ToList(), ps.Streams.Error.ToList(), ps.Streams.Warning.Select(w => w.Message).ToList(), null);
    }

    /// <summary>Sets the session's current location (like Set-Location, which bare SMA lacks).</summary>
    public void SetLocation(string path) => _runspace.SessionStateProxy.Path.SetLocation(path);

    public void Dispose() => _runspace.Dispose();
}

/// <summary>What a script produced.</summary>
public sealed record PsResult(List<PSObject> Output, List<ErrorRecord> Errors, List<string> Warnings, RuntimeException? Terminating)
{
    /// <summary>Fails with every error text when the script wrote or threw any error.</summary>
    public PsResult ThrowOnError()
    {
        if (Terminating != null) throw new InvalidOperationException("terminating: " + Terminating.ErrorRecord?.FullyQualifiedErrorId + ": " + Terminating.Message, Terminating);
        if (Errors.Count > 0) throw new InvalidOperationException(string.Join("\n", Errors.Select(e => e.FullyQualifiedErrorId + ": " + e)));
        return this;
    }

    /// <summary>The fully qualified error ids of the non-terminating errors.</summary>
    public List<string> ErrorIds => Errors.Select(e => e.FullyQualifiedErrorId).ToList();

    /// <summary>The single output object's base object.</summary>
    public T Single<T>() => (T)Assert.Single(Output).BaseObject;

    public List<T> All<T>() => Output.Select(o => (T)o.BaseObject).ToList();
}
