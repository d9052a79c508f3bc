using System.Diagnostics;
using System.Management.Automation;
using PerpPS.Cmdlets.Completion;
using PerpPS.Cmdlets.Engine;
using PerpPS.Core.Client;
using PerpPS.Core.Posix;
using PerpPS.Core.Protocol;

namespace PerpPS.Cmdlets;

/// <summary>
/// Watch-PerpService: writes a PerpServiceEvent for each change perpd reports on its event
/// stream (docs/protocol-extensions.md) until Ctrl-C or -Timeout. Needs perpd's extension:
/// against perp 2.07's perpd it is a terminating PerpEventsNotSupported error.
/// </summary>
[Cmdlet(VerbsCommon.Watch, "PerpService")]
[OutputType(typeof(PerpServiceEvent))]
public sealed class WatchPerpServiceCommand : PerpCmdlet
{
    /// <summary>Services to watch; wildcards are honoured (default: all, including ones activated later).</summary>
    [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    [Alias("ServiceName")]
    [ArgumentCompleter(typeof(ServiceNameCompleter))]
    public string[] Name { get; set; } = { "*" };

    /// <summary>The perp base (default: $env:PERP_BASE, else /etc/perp).</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string? Base { get; set; }

    /// <summary>Seconds to watch; 0 (the default) watches until Ctrl-C.</summary>
    [Parameter]
    [ValidateRange(0, int.MaxValue)]
    public int Timeout { get; set; }

    private readonly List<string> _patterns = new();
    private string? _base;

    protected override void ProcessRecord()
    {
        _base ??= ResolveBase(Base);
        _patterns.AddRange(Name);
    }

    protected override void EndProcessing()
    {
        string b = _base ?? ResolveBase(Base);
        Connection(b);
        var wildcards = new List<WildcardPattern>();
        var literals = new HashSet<string>(StringComparer.Ordinal);
        foreach (string p in _patterns.Count > 0 ? _patterns : new List<string> { "*" })
        {
            if (WildcardPattern.ContainsWildcardCharacters(p))
            {
                wildcards.Add(new WildcardPattern(p, WildcardOptions.IgnoreCase));
                continue;
            }
            string literal = p.TrimEnd('/');
            string path = Path.Combine(b, literal);
            if (FileStatus.TryStat(path, out var st) != 0 || !st.IsDirectory)
            {
                ServiceMissing(b, literal, new ItemNotFoundException($"service directory not found: {path}"));
                continue;
            }
            literals.Add(literal);
        }
        if (wildcards.Count == 0 && literals.Count == 0) return;

        EventSubscription? sub;
        try
        {
            sub = EventSubscription.Open(b, default, TimeSpan.FromSeconds(10));
        }
        catch (ControlException e) when (e.Stage != ControlStage.Connect)
        {
            ThrowTerminatingError(new ErrorRecord(new InvalidOperationException($"perpd on {b} refused the event subscription: {e.Message}", e),
                ErrorIds.CommandFailed, ErrorCategory.ResourceUnavailable, b));
            return;
        }
        catch (ControlException e)
        {
            ThrowDaemonUnreachable(e, b);
            return;
        }
        if (sub == null)
        {
            ThrowTerminatingError(new ErrorRecord(
                new NotSupportedException($"perpd on {b} has no event stream (perp 2.07's perpd speaks only the v2 protocol); Watch-PerpService needs PerpPS's perpd."),
                ErrorIds.EventsNotSupported, ErrorCategory.NotImplemented, b));
            return;
        }
        using (sub)
        {
            var names = new ServiceNames(b);
            var clock = Stopwatch.StartNew();
            while (true)
            {
                TimeSpan wait = Timeout > 0 ? TimeSpan.FromSeconds(Timeout) - clock.Elapsed : System.Threading.Timeout.InfiniteTimeSpan;
                if (Timeout > 0 && wait <= TimeSpan.Zero) return;
                if (!sub.TryRead(out var ev, wait, StopToken))
                {
                    if (StopToken.IsCancellationRequested) throw new PipelineStoppedException();
                    if (sub.IsClosed)
                        WriteError(new ErrorRecord(new IOException($"perpd on {b} closed the event stream."),
                            ErrorIds.ConnectionError, ErrorCategory.ConnectionError, b));
                    return;
                }
                if (ev.Kind == EventKind.Overflow)
                {
                    WriteObject(ExtendedFields.ToEvent(ev, "", b));
                    continue;
                }
                string? name = names.Of(ev.Id);
                if (name == null) continue;
                if (!literals.Contains(name) && !wildcards.Any(w => w.IsMatch(name))) continue;
                WriteObject(ExtendedFields.ToEvent(ev, name, b));
            }
        }
    }

    /// <summary>Service names by dev/ino, re-read from the base when an unknown id turns up (a service activated later).</summary>
    private sealed class ServiceNames(string baseDirectory)
    {
        private Dictionary<ServiceId, string> _byId = Scan(baseDirectory);
        private readonly HashSet<ServiceId> _unknown = new();

        public string? Of(ServiceId id)
        {
            if (_byId.TryGetValue(id, out var n)) return n;
            if (_unknown.Contains(id)) return null;
            _byId = Scan(baseDirectory);
            if (_byId.TryGetValue(id, out n)) return n;
            _unknown.Add(id);
            return null;
        }

        private static Dictionary<ServiceId, string> Scan(string b)
        {
            var map = new Dictionary<ServiceId, string>();
            foreach (string name in ServiceCatalog.Names(b))
                if (FileStatus.TryStat(Path.Combine(b, name), out var st) == 0) map[st.Id] = name;
            return map;
        }
    }
}
