using System.Diagnostics;
using System.Management.Automation;
using PerpPS.Cmdlets.Engine;
using PerpPS.Core.Client;
using PerpPS.Core.Posix;
using PerpPS.Core.Protocol;

namespace PerpPS.Cmdlets;

/// <summary>
/// What every Perp cmdlet shares: base resolution against the session's location, one
/// lazily opened connection per base, service lookup by name (wildcards only when the text
/// has them, duplicates dropped) and ErrorRecords with stable ids.
/// </summary>
public abstract partial class PerpCmdlet : PSCmdlet, IDisposable
{
    private readonly Dictionary<string, PerpConnection> _connections = new(StringComparer.Ordinal);
    private readonly Dictionary<string, HashSet<string>> _seen = new(StringComparer.Ordinal);
    private string? _seenBase;
    private HashSet<string>? _seenNames;
    // The size of the catalog ExpandNames listed last: the capacity of the seen-set it fills.
    private int _catalogCount;
    // The catalog's stat of the name ExpandNames yielded last (of base _yieldedBase), for
    // ReadServices, which takes the names one at a time: no dictionary of every stat.
    private string? _yieldedBase, _yieldedName;
    private FileStatus _yieldedStat;
    private bool _yieldedHasMode;
    private readonly CancellationTokenSource _stopping = new();

    /// <summary>Cancelled by Ctrl-C (StopProcessing), so waits end at once.</summary>
    protected CancellationToken StopToken => _stopping.Token;

    /// <summary>
    /// The absolute base for a -Base value: like perp's daemon-side tools (explicit value,
    /// else a non-empty PERP_BASE, else /etc/perp), a relative path taken against the
    /// session's current FileSystem location (not the process's cwd).
    /// </summary>
    protected string ResolveBase(string? value)
    {
        string chosen = BaseResolver.ForDaemon(value);
        // An absolute path already in normal form is what the provider would return; asking
        // it costs ~80 us a call (it reads /proc/self/mountinfo for its drives each time).
        string full = IsNormalAbsolute(chosen) ? chosen : GetUnresolvedProviderPathFromPSPath(chosen);
        return full.Length > 1 ? full.TrimEnd('/') : full;
    }

    /// <summary>
    /// A path the FileSystem provider returns unchanged: rooted at '/', no backslash (which it
    /// turns into '/'), no empty, "." or ".." segment (which it folds). A rooted path is the
    /// file system whatever the current location's provider.
    /// </summary>
    internal static bool IsNormalAbsolute(string path)
    {
        if (path.Length == 0 || path[0] != '/' || path.Contains('\\') || path.Contains("//", StringComparison.Ordinal)) return false;
        string p = path + "/";
        return !p.Contains("/./", StringComparison.Ordinal) && !p.Contains("/../", StringComparison.Ordinal);
    }

    /// <summary>The connection to perpd on a base; a terminating error when perpd cannot be reached.</summary>
    internal PerpConnection Connection(string baseDirectory)
    {
        if (_connections.TryGetValue(baseDirectory, out var existing)) return existing;
        var connection = new PerpConnection(baseDirectory);
        try
        {
            connection.EnsureConnected();
        }
        catch (ControlException e)
        {
            connection.Dispose();
            ThrowDaemonUnreachable(e, baseDirectory);
        }
        _connections[baseDirectory] = connection;
        return connection;
    }

    /// <summary>The one terminating error for a perpd that is not there.</summary>
    internal void ThrowDaemonUnreachable(ControlException e, string baseDirectory)
    {
        bool down = e.DaemonNotRunning;
        var wrapped = new InvalidOperationException(
            down ? $"perpd is not running on {baseDirectory}: {e.Message}" : $"perpd on {baseDirectory} cannot be reached: {e.Message}", e);
        ThrowTerminatingError(new ErrorRecord(wrapped,
            down ? ErrorIds.DaemonNotRunning : ErrorIds.DaemonUnreachable,
            down ? ErrorCategory.ResourceUnavailable : ErrorCategory.ConnectionError, baseDirectory));
    }

    /// <summary>
    /// The names of <paramref name="patterns"/> in a base: a wildcard matches service
    /// directories (silently none), a literal must exist (else PerpServiceNotFound).
    /// A name already produced by this invocation is skipped.
    /// </summary>
    internal IEnumerable<string> ExpandNames(string baseDirectory, IEnumerable<string> patterns)
    {
        List<ServiceCatalog.Entry>? catalog = null;
        foreach (string pattern in patterns)
        {
            if (WildcardPattern.ContainsWildcardCharacters(pattern))
            {
                if (catalog == null)
                {
                    catalog = ServiceCatalog.Entries(baseDirectory);
                    _catalogCount = catalog.Count;
                }
                var wildcard = new WildcardPattern(pattern, WildcardOptions.IgnoreCase);
                foreach (var entry in catalog)
                    if (wildcard.IsMatch(entry.Name) && FirstTime(baseDirectory, entry.Name))
                    {
                        (_yieldedBase, _yieldedName, _yieldedStat, _yieldedHasMode) = (baseDirectory, entry.Name, entry.Stat, entry.HasMode);
                        yield return entry.Name;
                    }
                _yieldedName = null;
                continue;
            }
            string literal = pattern.TrimEnd('/');
            if (FirstTime(baseDirectory, literal)) yield return literal;
        }
    }

    /// <summary>
    /// The stat ExpandNames's catalog took a moment ago of the service directory it has just
    /// yielded (this very name, same base), or a fresh one: 0 or the errno, as <see cref="FileStatus.TryStat(string, out FileStatus)"/>.
    /// <paramref name="hasMode"/> false: the catalog's entry gave only the directory's identity, not its mode (<see cref="ServiceCatalog.Entry"/>).
    /// </summary>
    internal int StatService(string baseDirectory, string name, out FileStatus stat, out bool hasMode, BaseHandle? handle = null)
    {
        if (ReferenceEquals(name, _yieldedName) && _yieldedBase == baseDirectory)
        {
            (stat, hasMode) = (_yieldedStat, _yieldedHasMode);
            return 0;
        }
        hasMode = true;
        return handle != null ? handle.Stat(name, out stat) : FileStatus.TryStat(Path.Combine(baseDirectory, name), out stat);
    }

    /// <summary>True the first time this invocation meets a service (duplicates are dropped).</summary>
    internal bool FirstTime(string baseDirectory, string name)
    {
        // One set per base, the last one at hand: per service only the name is hashed.
        if (!ReferenceEquals(_seenBase, baseDirectory))
        {
            if (!_seen.TryGetValue(baseDirectory, out _seenNames)) _seen[baseDirectory] = _seenNames = new HashSet<string>(_catalogCount, StringComparer.Ordinal);
            _seenBase = baseDirectory;
        }
        return _seenNames!.Add(name);
    }

    /// <summary>
    /// Reads a service: its directory, then perpd's status. Writes a non-terminating error
    /// and returns null when the service cannot be read.
    /// </summary>
    internal PerpService? ReadService(string baseDirectory, string name, bool queryDaemon = true)
    {
        string path = Path.Combine(baseDirectory, name);
        int errno = FileStatus.TryStat(path, out var stat);
        if (errno != 0)
        {
            ServiceMissing(baseDirectory, name, new PosixException(errno, $"service directory not found: {path}"));
            return null;
        }
        if (!stat.IsDirectory)
        {
            WriteError(new ErrorRecord(new ArgumentException($"'{path}' is not a directory, so it is not a Perp service."),
                ErrorIds.NotADirectory, ErrorCategory.InvalidArgument, name));
            return null;
        }
        var service = ServiceReader.FromDisk(baseDirectory, name, stat);
        if (!queryDaemon)
        {
            ApplyDependencies(service);
            return service;
        }
        var connection = Connection(baseDirectory);
        var now = Tai64N.Now();
        ExtendedReply reply;
        try
        {
            reply = connection.QueryExtended(stat.Id);
        }
        catch (ControlException e)
        {
            WriteError(new ErrorRecord(e, ErrorIds.ConnectionError, ErrorCategory.ConnectionError, service));
            return null;
        }
        switch (reply.Kind)
        {
            case ReplyKind.Status:
                ServiceReader.ApplyStatus(service, reply.Status, now);
                ExtendedFields.Apply(service, reply.Status);
                ApplyDependencies(service);
                return service;
            case ReplyKind.Error when reply.Errno == Errno.ENOTDIR:
                // perpd does not know this directory: inactive, or sticky but not scanned yet.
                ApplyDependencies(service);
                return service;
            case ReplyKind.Error:
                WriteError(new ErrorRecord(new PosixException(reply.Errno, $"status query for {name} failed"),
                    ErrorIds.CommandFailed, ErrorCategory.ReadError, service));
                return null;
            default:
                WriteError(new ErrorRecord(new InvalidDataException($"unknown packet in status reply for {name}"),
                    ErrorIds.ProtocolError, ErrorCategory.ProtocolError, service));
                return null;
        }
    }

    /// <summary>A named service directory does not exist: PerpServiceNotFound (Test-PerpService answers $false instead).</summary>
    internal virtual void ServiceMissing(string baseDirectory, string name, Exception cause) =>
        WriteError(new ErrorRecord(new ItemNotFoundException($"Cannot find a Perp service named '{name}' in {baseDirectory}.", cause),
            ErrorIds.ServiceNotFound, ErrorCategory.ObjectNotFound, name));

    /// <summary>Reads a service again, quietly (null when it vanished or cannot be read).</summary>
    internal PerpService? Refresh(PerpService service)
    {
        string path = Path.Combine(service.Base, service.Name);
        if (FileStatus.TryStat(path, out var stat) != 0 || !stat.IsDirectory) return null;
        var fresh = ServiceReader.FromDisk(service.Base, service.Name, stat);
        var now = Tai64N.Now();
        ExtendedReply reply;
        try
        {
            reply = Connection(service.Base).QueryExtended(stat.Id);
        }
        catch (ControlException)
        {
            return null;
        }
        if (reply.Kind == ReplyKind.Status)
        {
            ServiceReader.ApplyStatus(fresh, reply.Status, now);
            ExtendedFields.Apply(fresh, reply.Status);
        }
        ApplyDependencies(fresh);
        return fresh;
    }

    /// <summary>A non-terminating error about one service.</summary>
    internal void WriteServiceError(Exception e, string id, ErrorCategory category, object target) =>
        WriteError(new ErrorRecord(e, id, category, target));

    /// <summary>
    /// Polls the service until <paramref name="reached"/> holds, with a progress record;
    /// 0 seconds = no limit. Writes PerpServiceWaitTimeout and returns null on timeout;
    /// <paramref name="onTimeout"/>, when it escalates (returns true) at the first timeout, buys one more.
    /// </summary>
    internal PerpService? WaitFor(PerpService service, Func<PerpService, bool> reached, string goal, double timeoutSeconds, double minimumUptimeSeconds = 0,
        Func<PerpService, bool>? onTimeout = null, bool onlyNewRunsFail = false)
    {
        var clock = Stopwatch.StartNew();
        var progress = new ProgressRecord(Math.Abs(service.Name.GetHashCode() % 100000) + 1,
            $"Waiting for Perp service '{service.Name}'", $"waiting to be {goal}");
        bool shown = false;
        PerpService current = service;
        // Subscribe before the first status read, so no change between them is missed.
        using var events = new EventWaiter();
        events.Open(service.Base);
        var since = Tai64N.Now();
        while (true)
        {
            var fresh = Refresh(service);
            if (fresh != null)
            {
                current = fresh;
                events.Saw(fresh);
                // onlyNewRunsFail (-NewProcess): the end of the run the wait is past is expected.
                if (ExitIsFailure && RunEnded(fresh, since, runStartedSince: onlyNewRunsFail) && !reached(fresh))
                {
                    if (shown) EndProgress(progress);
                    WriteServiceExited(fresh, goal);
                    return null;
                }
                if (reached(fresh) && (minimumUptimeSeconds <= 0 || ExactUptimeSeconds(fresh) >= minimumUptimeSeconds))
                    break;
            }
            if (timeoutSeconds > 0 && clock.Elapsed.TotalSeconds >= timeoutSeconds && onTimeout != null && onTimeout(current))
            {
                onTimeout = null;
                clock.Restart();
            }
            if (timeoutSeconds > 0 && clock.Elapsed.TotalSeconds >= timeoutSeconds)
            {
                if (shown) EndProgress(progress);
                var e = new TimeoutException(
                    $"Perp service '{service.Name}' did not become {goal} within {timeoutSeconds} seconds; it is {StatusText(current)}.");
                WriteError(new ErrorRecord(e, ErrorIds.WaitTimeout, ErrorCategory.OperationTimeout, current));
                return null;
            }
            // Show progress only for waits a person notices.
            if (clock.ElapsedMilliseconds > 500)
            {
                progress.StatusDescription = $"{current.Status}, waiting to be {goal} ({clock.Elapsed.TotalSeconds:0}s)";
                WriteProgress(progress);
                shown = true;
            }
            Sleep(events, current, timeoutSeconds > 0 ? TimeSpan.FromSeconds(timeoutSeconds) - clock.Elapsed : null);
        }
        if (shown) EndProgress(progress);
        return current;
    }

    /// <summary>
    /// Whether a run of main that ends while this cmdlet waits is an error (PerpServiceExited)
    /// rather than a state to wait through: true for waits for Up.
    /// </summary>
    internal virtual bool ExitIsFailure => false;

    /// <summary>
    /// Main's last run ended after <paramref name="since"/> (and, with
    /// <paramref name="runStartedSince"/>, also began after it), by perpd's extended status;
    /// always false against perp 2.07's perpd, which does not say how runs end.
    /// </summary>
    internal static bool RunEnded(PerpService s, Tai64N since, bool runStartedSince)
    {
        if (s.Extended is not { HasExtension: true } x || x.Main.LastExitKind == ExitKind.None) return false;
        var m = x.Main;
        if (m.LastExitTime < since) return false;
        return !runStartedSince || m.LastExitTime.AddNanoseconds(-(long)Math.Min(m.LastRunNanoseconds, long.MaxValue)) >= since;
    }

    /// <summary>PerpServiceExited: main died while the cmdlet waited for it, with how it ended.</summary>
    internal void WriteServiceExited(PerpService s, string goal)
    {
        string how = s.Extended is { } x ? ExtendedFields.DescribeLastExit(x.Main) : "exited";
        WriteError(new ErrorRecord(
            new InvalidOperationException($"Perp service '{s.Name}' {how} while waiting to be {goal}; it is {s.Status}."),
            ErrorIds.ServiceExited, ErrorCategory.InvalidResult, s));
    }

    /// <summary>
    /// Sleeps until perpd reports a change (event stream), time alone changes the reading
    /// (a start turning Up), or the poll interval without an event stream; Ctrl-C stops.
    /// </summary>
    internal void Sleep(EventWaiter events, PerpService current, TimeSpan? left) => _ =
        Sleep(events, EventWaiter.UntilTimeMatters(current), left);

    /// <summary>One sleep of a wait; returns the services events were about (null or empty: re-read all).</summary>
    internal HashSet<ServiceId>? Sleep(EventWaiter events, TimeSpan? timeMatters, TimeSpan? left)
    {
        // With events, a few seconds' re-read is only a safety net.
        TimeSpan slice = events.AllSubscribed ? TimeSpan.FromSeconds(5) : EventWaiter.PollInterval;
        if (timeMatters is { } t && t < slice) slice = t;
        if (left is { } l && l < slice) slice = l < TimeSpan.Zero ? TimeSpan.Zero : l;
        try
        {
            return events.Wait(slice, StopToken);
        }
        catch (OperationCanceledException)
        {
            throw new PipelineStoppedException();
        }
        catch (ControlException)
        {
            // A broken event stream: fall back to the poll interval.
            if (StopToken.WaitHandle.WaitOne(EventWaiter.PollInterval)) throw new PipelineStoppedException();
            return null;
        }
    }

    /// <summary>
    /// How long main's current start has run, to the nanosecond (not perp's rounded figure,
    /// which calls 0.5 s "1s"): what -MinimumUptime compares against. 0 when nothing runs.
    /// </summary>
    internal static double ExactUptimeSeconds(PerpService service) =>
        service.Record is { } r && r.Main.Pid != 0 && !r.Main.IsResetting
            ? Math.Max(0, Tai64N.Now().NanosecondsSince(r.Main.When)) / 1e9
            : 0;

    private void EndProgress(ProgressRecord progress)
    {
        progress.RecordType = ProgressRecordType.Completed;
        WriteProgress(progress);
    }

    protected override void StopProcessing() => _stopping.Cancel();

    public void Dispose()
    {
        foreach (var c in _connections.Values) c.Dispose();
        _connections.Clear();
        _stopping.Dispose();
        GC.SuppressFinalize(this);
    }
}
