using System.Management.Automation;
using System.Text.Json;

namespace PerpPS.Cmdlets.Tests;

/// <summary>
/// The help generator (src/PerpPS.Cmdlets/Help/make-help.py) works from commands.json, the
/// cmdlets' parameter metadata: this test fails when the cmdlets changed and it was not
/// regenerated (the fresh dump is left in /tmp/perp-meta.json for make-help).
/// </summary>
public class HelpMetadataTests
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    [Fact]
    public void Help_metadata_matches_the_cmdlets()
    {
        using var ps = new PowerShellSession();
        // (Sorted here: bare SMA has no Sort-Object.)
        var r = ps.Invoke("Get-Command -Module Perp").ThrowOnError();
        
        var list = new List<object>();
        foreach (var o in r.Output.Select(o => (CmdletInfo)o.BaseObject).OrderBy(c => c.Name))
        {
            list.Add(new
            {
                name = o.Name,
                outputs = o.OutputType.Select(t => t.Name).ToArray(),
                sets = o.ParameterSets.Select(s => new
                {
                    name = s.Name, isDefault = s.IsDefault,
                    @params = s.Parameters.Where(p => !Cmdlet.CommonParameters.Contains(p.Name) && !Cmdlet.OptionalCommonParameters.Contains(p.Name))
                        .Select(p => new { name = p.Name, type = p.ParameterType.FullName, mandatory = p.IsMandatory, position = p.Position, byValue = p.ValueFromPipeline, byName = p.ValueFromPipelineByPropertyName, aliases = p.Aliases.ToArray() }).ToArray(),
                }).ToArray(),
            });
        }
        string fresh = JsonSerializer.Serialize(list, Indented);
        string committed = File.ReadAllText(Path.Combine(ModulePaths.Root, "src", "PerpPS.Cmdlets", "Help", "commands.json"));
        if (Normalize(fresh) != Normalize(committed))
        {
            File.WriteAllText("/tmp/perp-meta.json", fresh);
            Assert.Fail("cmdlet parameters changed: cp /tmp/perp-meta.json src/PerpPS.Cmdlets/Help/commands.json && python3 src/PerpPS.Cmdlets/Help/make-help.py");
        }
    }

    private static string Normalize(string json) => JsonSerializer.Serialize(JsonDocument.Parse(json).RootElement);
}
