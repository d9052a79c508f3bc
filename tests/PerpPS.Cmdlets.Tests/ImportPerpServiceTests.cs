namespace PerpPS.Cmdlets.Tests;

/// <summary>Import-PerpService: the converters behind a cmdlet (warnings, -WhatIf, -Name, -Enable, errors).</summary>
public class ImportPerpServiceTests(SessionFixture fixture) : IClassFixture<SessionFixture>
{
    private readonly PowerShellSession _ps = fixture.Session;

    private static string Fixture(string relative) =>
        Path.Combine(RepoPaths.Root, "tests", "PerpPS.Tools.Tests", "Fixtures", "Import", relative);

    [Fact]
    public void WhatIf_warns_and_writes_nothing_then_the_import_is_enabled_and_runs()
    {
        using var pb = new PerpBase();
        var dry = _ps.Invoke("Import-PerpService -Base $args[0] $args[1] -WhatIf", pb.Path, Fixture("runit/svlogd-app")).ThrowOnError();
        Assert.Empty(dry.Output);
        // control/t is never carried over (svlogd in log/run is warned about only where runit is not installed).
        Assert.Contains(dry.Warnings, w => w.StartsWith(Fixture("runit/svlogd-app/control/t") + ": runit's control/t"));
        Assert.False(Directory.Exists(Path.Combine(pb.Path, "svlogd-app")));

        var s = _ps.Invoke("Import-PerpService -Base $args[0] $args[1] -Name frontend -Enable", pb.Path, Fixture("runit/web")).ThrowOnError().Single<PerpService>();
        Assert.Equal("frontend", s.Name);
        Assert.Equal(PerpServiceStatus.Down, s.Status); // runit's down file
        Assert.True(File.Exists(Path.Combine(pb.Path, "frontend", "flag.down")));
        Assert.Contains("./finish \"$code\" \"$sig\"", File.ReadAllText(Path.Combine(pb.Path, "frontend", "rc.main")));

        var again = _ps.Invoke("Import-PerpService -Base $args[0] $args[1] -Name frontend", pb.Path, Fixture("runit/web"));
        Assert.Equal(["PerpServiceExists,PerpPS.Cmdlets.ImportPerpServiceCommand"], again.ErrorIds);
        var bad = _ps.Invoke("Import-PerpService -Base $args[0] $args[1]", pb.Path, Path.Combine(pb.Path, "nothing-here"));
        Assert.Equal(["PerpServiceImportFailed,PerpPS.Cmdlets.ImportPerpServiceCommand"], bad.ErrorIds);
    }
}
