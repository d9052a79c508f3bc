using System.Management.Automation;
using System.Management.Automation.Language;

namespace PerpPS.Cmdlets.Tests;

/// <summary>
/// pwsh and Pester are not on the build machine, so tests/Pester/*.Tests.ps1 cannot run here:
/// this checks what can be checked without them. Every file parses, and every Perp cmdlet it
/// calls exists with the named parameters it passes (a typo fails here, not in review).
/// </summary>
public class PesterScriptTests(SessionFixture fixture) : IClassFixture<SessionFixture>
{
    private readonly PowerShellSession _ps = fixture.Session;

    public static TheoryData<string> Files()
    {
        var data = new TheoryData<string>();
        foreach (string f in Directory.EnumerateFiles(Path.Combine(ModulePaths.Root, "tests", "Pester"), "*.Tests.ps1")) data.Add(Path.GetFileName(f));
        return data;
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void Pester_file_parses_and_calls_Perp_cmdlets_with_real_parameters(string file)
    {
        string path = Path.Combine(ModulePaths.Root, "tests", "Pester", file);
        var ast = Parser.ParseFile(path, out _, out ParseError[] errors);
        Assert.Empty(errors.Select(e => $"{e.Extent.StartLineNumber}: {e.Message}"));
        var problems = new List<string>();
        foreach (CommandAst call in ast.FindAll(a => a is CommandAst, searchNestedScriptBlocks: true).Cast<CommandAst>())
        {
            string? name = call.GetCommandName();
            if (name == null || !name.Contains("-Perp", StringComparison.OrdinalIgnoreCase)) continue;
            var info = _ps.Invoke("Get-Command $args[0] -ErrorAction SilentlyContinue", name).Output.SingleOrDefault()?.BaseObject as CommandInfo;
            if (info == null)
            {
                problems.Add($"{call.Extent.StartLineNumber}: {name} is not a Perp cmdlet");
                continue;
            }
            foreach (var p in call.CommandElements.OfType<CommandParameterAst>())
            {
                bool known = info.Parameters.Keys.Any(k => k.StartsWith(p.ParameterName, StringComparison.OrdinalIgnoreCase))
                             || info.Parameters.Values.Any(v => v.Aliases.Contains(p.ParameterName, StringComparer.OrdinalIgnoreCase));
                if (!known) problems.Add($"{call.Extent.StartLineNumber}: {name} has no -{p.ParameterName}");
            }
        }
        Assert.Empty(problems);
        Assert.Contains("-Tag CI", File.ReadAllText(path));
    }
}
