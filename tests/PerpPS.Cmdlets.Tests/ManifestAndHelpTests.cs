using System.Management.Automation;
using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace PerpPS.Cmdlets.Tests;

public class ManifestAndHelpTests(SessionFixture fixture) : IClassFixture<SessionFixture>
{
    private readonly PowerShellSession _ps = fixture.Session;

    private static readonly string[] Expected =
    [
        "Disable-PerpService", "Enable-PerpService", "Get-PerpDaemon", "Get-PerpLog", "Get-PerpService", "Import-PerpService",
        "Invoke-PerpRescan", "New-PerpService", "Remove-PerpService", "Restart-PerpDaemon", "Restart-PerpService", "Resume-PerpService",
        "Send-PerpSignal", "Set-PerpService", "Start-PerpDaemon", "Start-PerpService", "Stop-PerpDaemon",
        "Stop-PerpService", "Suspend-PerpService", "Test-PerpService", "Wait-PerpService", "Watch-PerpService",
    ];

    [Fact]
    public void Test_ModuleManifest_accepts_the_manifest()
    {
        var r = _ps.Invoke("Test-ModuleManifest -Path $args[0]", PowerShellSession.ManifestPath).ThrowOnError();
        var info = r.Single<PSModuleInfo>();
        Assert.Equal("Perp", info.Name);
        Assert.Equal(new Version(7, 4), info.PowerShellVersion);
        Assert.Contains("Core", info.CompatiblePSEditions);
        Assert.Empty(info.ExportedFunctions);
        Assert.Empty(info.ExportedAliases);
    }

    [Fact]
    public void Imports_by_name_from_a_module_path_folder_named_Perp()
    {
        // What build.sh's out/Modules/Perp link (or a copy into ~/.local/share/powershell/Modules/Perp) gives.
        using var temp = new PerpPS.TestSupport.TempBase();
        string modules = Path.Combine(temp.Root, "Modules");
        Directory.CreateDirectory(modules);
        Directory.CreateSymbolicLink(Path.Combine(modules, "Perp"), ModulePaths.ModuleDirectory);
        using var ps = PowerShell.Create(System.Management.Automation.Runspaces.InitialSessionState.CreateDefault2());
        ps.AddScript("$env:PSModulePath = $args[0] + [IO.Path]::PathSeparator + $env:PSModulePath; Import-Module Perp -ErrorAction Stop; (Get-Module Perp).ExportedCmdlets.Count")
            .AddArgument(modules);
        string? saved = Environment.GetEnvironmentVariable("PSModulePath");
        try
        {
            var r = ps.Invoke();
            Assert.Empty(ps.Streams.Error);
            Assert.Equal(Expected.Length, (int)r.Single().BaseObject);
        }
        finally
        {
            Environment.SetEnvironmentVariable("PSModulePath", saved);
        }
    }

    [Fact]
    public void Module_version_is_the_build_version()
    {
        string props = File.ReadAllText(Path.Combine(ModulePaths.Root, "Directory.Build.props"));
        string version = Regex.Match(props, "<Version>([^<]+)</Version>").Groups[1].Value;
        var r = _ps.Invoke("(Get-Module Perp).Version.ToString()").ThrowOnError();
        Assert.Equal(version, r.Output.Single().ToString());
    }

    [Fact]
    public void Exports_exactly_the_cmdlets_of_the_assembly()
    {
        var exported = _ps.Invoke("(Get-Module Perp).ExportedCmdlets.Keys").ThrowOnError().Output.Select(o => o.ToString()).Order().ToArray();
        Assert.Equal(Expected, exported);
        // Every cmdlet class of the assembly is exported: none is forgotten in the manifest.
        var inAssembly = _ps.Invoke("[PerpPS.Cmdlets.PerpService].Assembly.GetTypes() | Where-Object { $_.GetCustomAttributes([System.Management.Automation.CmdletAttribute], $false) } | ForEach-Object { $a = $_.GetCustomAttributes([System.Management.Automation.CmdletAttribute], $false)[0]; $a.VerbName + '-' + $a.NounName }")
            .ThrowOnError().Output.Select(o => o.ToString()).Order().ToArray();
        Assert.Equal(Expected, inAssembly);
    }

    [Fact]
    public void Every_cmdlet_declares_its_output_type()
    {
        foreach (string name in Expected)
        {
            var r = _ps.Invoke("(Get-Command $args[0]).OutputType.Count", name).ThrowOnError();
            Assert.True((int)r.Output.Single().BaseObject > 0, name + " has no [OutputType]");
        }
    }

    [Fact]
    public void Every_cmdlet_has_synopsis_description_parameter_help_and_an_example()
    {
        var problems = new List<string>();
        foreach (string name in Expected)
        {
            var help = _ps.Invoke("Get-Help $args[0] -Full", name).ThrowOnError().Output.Single();
            string synopsis = help.Properties["Synopsis"]?.Value?.ToString()?.Trim() ?? "";
            if (synopsis.Length == 0 || synopsis.StartsWith(name, StringComparison.Ordinal)) problems.Add($"{name}: no synopsis");
            string description = _ps.Invoke("(Get-Help $args[0] -Full).Description.Text -join ''", name).Output.SingleOrDefault()?.ToString() ?? "";
            if (description.Trim().Length < 20) problems.Add($"{name}: no description");
            int examples = (int)_ps.Invoke("@((Get-Help $args[0] -Full).Examples.Example).Count", name).Output.Single().BaseObject;
            if (examples < 1) problems.Add($"{name}: no example");
            var parameters = _ps.Invoke(
                "$c = Get-Command $args[0]; $c.Parameters.Keys | Where-Object { $_ -notin [System.Management.Automation.Cmdlet]::CommonParameters -and $_ -notin [System.Management.Automation.Cmdlet]::OptionalCommonParameters }", name)
                .ThrowOnError().Output.Select(o => o.ToString()).ToList();
            foreach (string p in parameters)
            {
                string text = _ps.Invoke("((Get-Help $args[0] -Parameter $args[1]).Description.Text) -join ''", name, p).Output.SingleOrDefault()?.ToString() ?? "";
                if (text.Trim().Length < 10) problems.Add($"{name} -{p}: no help");
            }
        }
        Assert.Empty(problems);
    }

    [Fact]
    public void About_Perp_topic_ships_with_the_module()
    {
        var r = _ps.Invoke("Get-Help about_Perp").ThrowOnError().Output;
        Assert.Contains("perpd", string.Join("\n", r.Select(o => o.ToString())));
        string path = Path.Combine(ModulePaths.ModuleDirectory, "en-US", "about_Perp.help.txt");
        Assert.True(File.Exists(path));
        string text = File.ReadAllText(path);
        Assert.StartsWith("TOPIC", text.TrimStart());
        Assert.Contains("about_Perp", text);
        foreach (string id in new[] { "PerpDaemonNotRunning", "PerpServiceNotFound", "PerpServiceWaitTimeout" }) Assert.Contains(id, text);
    }

    [Fact]
    public void Format_and_types_files_load_and_define_views()
    {
        // The constructors validate the files the way Import-Module does.
        string format = Path.Combine(ModulePaths.ModuleDirectory, "Perp.format.ps1xml");
        string types = Path.Combine(ModulePaths.ModuleDirectory, "Perp.types.ps1xml");
        _ = new System.Management.Automation.Runspaces.FormatTable([format]);
        _ = new System.Management.Automation.Runspaces.TypeTable([types]);
        var doc = XDocument.Load(format);
        var selected = doc.Descendants("TypeName").Select(e => e.Value).ToHashSet();
        foreach (string t in new[] { "PerpPS.Cmdlets.PerpService", "PerpPS.Cmdlets.PerpDaemon", "PerpPS.Cmdlets.PerpLogService" })
        {
            Assert.Contains(t, selected);
            Assert.Contains("Deserialized." + t, selected);
        }
        Assert.Contains(doc.Descendants("ListControl"), _ => true);
    }
}
