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
        var names = include == null && exclude == null ? ExpandNames(b, Name)
            : ExpandNames(b, Name).Where(name => (include == null || AnyMatch(include, name)) && (exclude == null || !AnyMatch(exclude, name)));
        // One bulk status request for all of them (L), not one query each.
        var services = ReadServices(b, names);
        if (!RequiredServices && !DependentServices)
        {
            foreach (var service in services) WriteObject(service);
            return;
        }
        // Each related service once, in the order met.
        var related = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var service in services)
        {
            var relatedNames = RequiredServices ? service.RequiredServices : [];
            if (DependentServices) relatedNames = [.. relatedNames, .. service.DependentServices];
            foreach (string n in relatedNames)
                if (seen.Add(n)) related.Add(n);
        }
        foreach (var service in ReadServices(b, related)) WriteObject(service);
    }

    /// <summary>Writes the services each matched service depends on (its RequiredServices) instead of it, as Get-Service -RequiredServices.</summary>
    [Parameter]
    [Alias("SDO", "ServicesDependedOn")]
    public SwitchParameter RequiredServices { get; set; }

    /// <summary>Writes the services that depend on each matched service (its DependentServices) instead of it, as Get-Service -DependentServices.</summary>
    [Parameter]
    [Alias("DS")]
    public SwitchParameter DependentServices { get; set; }

    // A loop, not Any(p => p.IsMatch(name)): that lambda captured each name, an object per service.
    private static bool AnyMatch(WildcardPattern[] patterns, string name)
    {
        foreach (var p in patterns)
            if (p.IsMatch(name)) return true;
        return false;
    }

    private static WildcardPattern[]? Patterns(string[]? texts) =>
        texts?.Select(t => WildcardPattern.Get(t, WildcardOptions.IgnoreCase)).ToArray();
}
