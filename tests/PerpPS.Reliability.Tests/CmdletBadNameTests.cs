using System.Collections.ObjectModel;
using System.Management.Automation;
using System.Management.Automation.Runspaces;

namespace PerpPS.Reliability.Tests;

/// <summary>The bad-name base plus one PowerShell runspace with the shipped module imported.</summary>
public sealed class CmdletBadNameBase : IDisposable
{
    public CmdletBadNameBase()
    {
        Names = new BadNameBase();
        string module = Path.Combine(RepoPaths.Root, "module", "Perp.psd1");
        if (!File.Exists(Path.Combine(RepoPaths.Root, "module", "bin", "PerpPS.Cmdlets.dll")))
            throw new FileNotFoundException("module/bin/PerpPS.Cmdlets.dll is missing: run ./build.sh first");
        Runspace = RunspaceFactory.CreateRunspace(InitialSessionState.CreateDefault2());
        Runspace.Open();
        using var ps = PowerShell.Create(Runspace);
        ps.AddCommand("Import-Module").AddParameter("Name", module).AddParameter("ErrorAction", "Stop").Invoke();
    }

    public BadNameBase Names { get; }
    public Runspace Runspace { get; }

    public void Dispose()
    {
        Runspace.Dispose();
        Names.Dispose();
    }
}

/// <summary>
/// The cmdlets given bad service names answer with a non-terminating ErrorRecord whose
/// ErrorId is one of the module's stable ids (PerpServiceNotFound, PerpServiceNotADirectory,
/// PerpServiceNotActive), never an exception from deep inside, and change nothing.
/// Names are .NET strings here, so "not UTF-8" becomes a lone surrogate, which has no
/// UTF-8 form at all.
/// </summary>
public sealed class CmdletBadNameTests(CmdletBadNameBase fixture) : IClassFixture<CmdletBadNameBase>
{
    public static readonly TheoryData<string, string, BadNameTests.Kind> Cases = Build();

    private static TheoryData<string, string, BadNameTests.Kind> Build()
    {
        var names = new (string, BadNameTests.Kind)[]
        {
            ("../x", BadNameTests.Kind.Outside),
            ("../nosuch", BadNameTests.Kind.Missing),
            ("nosuch", BadNameTests.Kind.Missing),
            ("no such service", BadNameTests.Kind.Missing),
            ("bad\uD800name", BadNameTests.Kind.Missing),
            ("afile", BadNameTests.Kind.NotDirectory),
        };
        var data = new TheoryData<string, string, BadNameTests.Kind>();
        foreach (string cmdlet in new[] { "Get-PerpService", "Start-PerpService", "Stop-PerpService", "Restart-PerpService",
                     "Suspend-PerpService", "Resume-PerpService", "Disable-PerpService" })
            foreach (var (name, kind) in names)
            {
                // Disable on ../x would clear a sticky bit that is not set: nothing to see.
                if (cmdlet == "Disable-PerpService" && kind == BadNameTests.Kind.Outside) continue;
                data.Add(cmdlet, name, kind);
            }
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Cmdlet_given_a_bad_name_writes_a_clear_error_and_changes_nothing(string cmdlet, string name, BadNameTests.Kind kind)
    {
        var names = fixture.Names;
        string before = names.Snapshot();
        using var ps = PowerShell.Create(fixture.Runspace);
        ps.AddCommand(cmdlet).AddParameter("Name", name).AddParameter("Base", names.Temp.Path);
        if (cmdlet != "Get-PerpService" && cmdlet != "Disable-PerpService") ps.AddParameter("NoWait");
        if (cmdlet != "Get-PerpService") ps.AddParameter("Confirm", false);
        Collection<PSObject> output;
        try
        {
            output = ps.Invoke();
        }
        catch (RuntimeException e)
        {
            throw new Xunit.Sdk.XunitException($"{cmdlet} -Name '{name}' threw instead of writing an error: {e.ErrorRecord?.FullyQualifiedErrorId} {e.Message}");
        }
        var errors = ps.Streams.Error.ToList();
        string ids = string.Join(", ", errors.Select(e => e.FullyQualifiedErrorId));

        if (cmdlet == "Get-PerpService" && kind == BadNameTests.Kind.Outside)
        {
            // Like perpls: a directory that is not activated is listed as such.
            Assert.True(errors.Count == 0 && output.Count == 1, $"Get-PerpService ../x: {output.Count} objects, errors: {ids}");
        }
        else if (cmdlet == "Stop-PerpService" && kind == BadNameTests.Kind.Outside && errors.Count == 0)
        {
            // Stopping what does not run is already done: idempotent success is a clear answer too.
            Assert.Empty(output);
        }
        else
        {
            string expected = kind switch
            {
                BadNameTests.Kind.Missing => "PerpServiceNotFound",
                BadNameTests.Kind.NotDirectory => "PerpServiceNotADirectory",
                _ => "PerpServiceNotActive",
            };
            Assert.True(errors.Count == 1, $"{cmdlet} -Name '{name}': expected one {expected} error, got: {ids}");
            Assert.StartsWith(expected + ",", errors[0].FullyQualifiedErrorId);
            Assert.Empty(output);
        }
        Assert.Equal(before, names.Snapshot());
        Assert.False(names.Daemon.HasExited);
    }
}
