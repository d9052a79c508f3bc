using System.Management.Automation;
using PerpPS.Cmdlets.Completion;

namespace PerpPS.Cmdlets;

/// <summary>
/// Get-PerpService: one object per service directory of the base (active or not), sorted
/// like perpls; names with wildcards, a literal that is missing is PerpServiceNotFound.
/// </summary>
[Cmdlet(VerbsCommon.Get, "PerpService")]
[OutputType(typeof(PerpService))]
public sealed class GetPerpServiceCommand : PerpCmdlet
{
    /// <summary>Service names; wildcards are honoured (default: all).</summary>
    [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    [Alias("ServiceName")]
    [ArgumentCompleter(typeof(ServiceNameCompleter))]
    public string[] Name { get; set; } = { "*" };

    /// <summary>The perp base (default: $env:PERP_BASE, else /etc/perp).</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string? Base { get; set; }

    /// <summary>Only the services whose names match one of these patterns (as Get-Service -Include).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(ServiceNameCompleter))]
    public string[]? Include { get; set; }

    /// <summary>Leaves out the services whose names match one of these patterns (as Get-Service -Exclude).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(ServiceNameCompleter))]
    public string[]? Exclude { get; set; }

    protected override void ProcessRecord()
    {
        string b = ResolveBase(Base);
        // Like perpls: connect first, so a missing perpd is one clear error before any listing.
        Connection(b);
        var include = Patterns(Include);
        var exclude = Patterns(Exclude);
        var names = ExpandNames(b, Name).Where(name =>
            (include == null || include.Any(p => p.IsMatch(name))) && (exclude == null || !exclude.Any(p => p.IsMatch(name))));
        // One bulk status request for all of them (L), not one query each.
        foreach (var service in ReadServices(b, names)) WriteObject(service);
    }

    private static WildcardPattern[]? Patterns(string[]? texts) =>
        texts?.Select(t => WildcardPattern.Get(t, WildcardOptions.IgnoreCase)).ToArray();
}
