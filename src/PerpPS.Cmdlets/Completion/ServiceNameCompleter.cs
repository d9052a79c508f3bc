using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;
using System.Management.Automation.Runspaces;
using PerpPS.Cmdlets.Engine;
using PerpPS.Core.Client;

namespace PerpPS.Cmdlets.Completion;

/// <summary>
/// Completes -Name with the service directories of the base the command line names (its
/// -Base, else PERP_BASE, else /etc/perp): names starting with the typed text, quoted when
/// they contain characters PowerShell would split on.
/// </summary>
public sealed class ServiceNameCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
        CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        string typed = wordToComplete.Trim('\'', '"');
        string baseDirectory = fakeBoundParameters["Base"] is { } b ? b.ToString()! : BaseResolver.ForDaemon(null);
        if (!Path.IsPathRooted(baseDirectory))
        {
            // The completer has no session state; a relative -Base is taken against the
            // runspace's location when there is one.
            string? cwd = Runspace.DefaultRunspace?.SessionStateProxy?.Path?.CurrentFileSystemLocation?.ProviderPath;
            baseDirectory = Path.GetFullPath(Path.Combine(cwd ?? Directory.GetCurrentDirectory(), baseDirectory));
        }
        var results = new List<CompletionResult>();
        foreach (string name in ServiceCatalog.Names(baseDirectory))
        {
            if (!name.StartsWith(typed, StringComparison.OrdinalIgnoreCase)) continue;
            results.Add(new CompletionResult(Quote(name), name, CompletionResultType.ParameterValue, name));
        }
        return results;
    }

    private static string Quote(string name)
    {
        foreach (char c in name)
            if (char.IsWhiteSpace(c) || "'\"`$;,(){}[]@#&|<>".Contains(c))
                return "'" + name.Replace("'", "''") + "'";
        return name;
    }
}
