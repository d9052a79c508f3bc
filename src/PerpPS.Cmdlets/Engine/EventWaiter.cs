using System.Runtime.InteropServices;
using PerpPS.Core.Client;
using PerpPS.Core.Interop;
using PerpPS.Core.Posix;
using PerpPS.Core.Protocol;

namespace PerpPS.Cmdlets.Engine;

/// <summary>
/// What a waiting cmdlet sleeps on instead of a fixed poll interval: perpd's event stream,
/// one subscription (to every service) per base, opened before the cmdlet reads the status
/// it tests, so nothing between that read and the wait is missed. <see cref="Wait"/> returns
/// at the first event about a watched service whose sequence is newer than the status the
/// cmdlet holds, at the deadline it is given, or when the token (Ctrl-C) is cancelled.
/// Against a perpd without the extension (perp 2.07) <see cref="Open"/> says false and the
/// caller keeps polling: <see cref="Wait"/> then simply sleeps for the interval.
/// </summary>
internal sealed unsafe class EventWaiter : IDisposable
{
    /// <summary>How often a wait without events re-reads the status (perp 2.07's perpd).</summary>
    public static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(100);

    private readonly Dictionary<string, EventSubscription?> _subscriptions = new(StringComparer.Ordinal);
    private readonly Dictionary<ServiceId, ulong> _seen = new();

    /// <summary>Subscribes on a base (once); false when perpd there has no event stream, so the caller polls.</summary>
    public bool Open(string baseDirectory)
    {
        if (_subscriptions.TryGetValue(baseDirectory, out var existing)) return existing != null;
        EventSubscription? sub;
        try
        {
            sub = EventSubscription.Open(baseDirectory, default, TimeSpan.FromSeconds(10));
        }
        catch (ControlException)
        {
            // EUSERS (subscriber limit) or a connection problem: polling still works.
            sub = null;
        }
        _subscriptions[baseDirectory] = sub;
        return sub != null;
    }

    /// <summary>True when every base opened so far has an event stream.</summary>
    public bool AllSubscribed => _subscriptions.Count > 0 && _subscriptions.Values.All(s => s != null);

    /// <summary>Records the event sequence a freshly read status reflects: older events about it are ignored.</summary>
    public void Saw(PerpService service)
    {
        if (service.Extended is { HasExtension: true } x)
            _seen[x.Id] = Math.Max(_seen.GetValueOrDefault(x.Id), x.EventSequence);
    }

    /// <summary>
    /// Sleeps until an event about a service (newer than its last status) arrives, up to
    /// <paramref name="timeout"/>; returns the services the events were about (empty on
    /// timeout; null after an Overflow, meaning "re-read everything"). Without any event
    /// stream it sleeps the whole timeout and returns empty.
    /// </summary>
    /// <exception cref="OperationCanceledException">The token was cancelled.</exception>
    public HashSet<ServiceId>? Wait(TimeSpan timeout, CancellationToken token)
    {
        var touched = new HashSet<ServiceId>();
        var live = _subscriptions.Values.Where(s => s is { IsClosed: false }).Cast<EventSubscription>().ToList();
        if (live.Count == 0)
        {
            if (token.WaitHandle.WaitOne(timeout)) throw new OperationCanceledException(token);
            return touched;
        }
        long deadline = Environment.TickCount64 + (long)Math.Ceiling(Math.Max(0, timeout.TotalMilliseconds));
        bool overflow = false;
        while (true)
        {
            foreach (var sub in live) overflow |= Drain(sub, touched);
            if (overflow) return null;
            if (touched.Count > 0) return touched;
            if (live.All(s => s.IsClosed)) return null;
            long left = deadline - Environment.TickCount64;
            if (left <= 0) return touched;
            if (live.Count == 1)
            {
                // One base: block in poll(2) on its socket and the token's eventfd.
                if (live[0].TryRead(out var ev, TimeSpan.FromMilliseconds(left), token)) overflow |= Take(ev, touched);
                token.ThrowIfCancellationRequested();
                if (overflow) return null;
                continue;
            }
            WaitAny(live, (int)Math.Min(left, 50));
            token.ThrowIfCancellationRequested();
        }
    }

    private bool Drain(EventSubscription sub, HashSet<ServiceId> touched)
    {
        bool overflow = false;
        while (!sub.IsClosed && sub.TryReadAvailable(out var ev)) overflow |= Take(ev, touched);
        return overflow;
    }

    /// <summary>Notes one event; true for an Overflow.</summary>
    private bool Take(PerpEvent ev, HashSet<ServiceId> touched)
    {
        if (ev.Kind == EventKind.Overflow) return true;
        if (_seen.TryGetValue(ev.Id, out ulong seen) && ev.Sequence <= seen) return false;
        touched.Add(ev.Id);
        return false;
    }

    private static void WaitAny(List<EventSubscription> subs, int timeoutMs)
    {
        var fds = new Libc.PollFd[subs.Count];
        for (int i = 0; i < fds.Length; i++) fds[i] = new Libc.PollFd { Fd = subs[i].Fd, Events = Libc.POLLIN };
        fixed (Libc.PollFd* p = fds)
        {
            int rc = Libc.Poll(p, (nuint)fds.Length, timeoutMs);
            if (rc < 0 && Marshal.GetLastPInvokeError() != Errno.EINTR)
                throw new ControlException(ControlStage.Read, Marshal.GetLastPInvokeError(), subs[0].SocketPath);
        }
    }

    /// <summary>
    /// How long a wait may sleep before time alone changes a pending service's reading: a
    /// running main turns from Starting to Up, or its uptime reaches a whole second, at the
    /// next half/whole-second boundary of its age. Null when only an event can change it.
    /// </summary>
    public static TimeSpan? UntilTimeMatters(PerpService service)
    {
        if (service.Record is not { } r || r.Main.Pid == 0) return null;
        long age = Math.Max(0, Tai64N.Now().NanosecondsSince(r.Main.When));
        long inSecond = age % 1_000_000_000L;
        long next = inSecond < 500_000_001L ? 500_000_001L - inSecond : 1_000_000_000L - inSecond;
        return TimeSpan.FromTicks(next / 100 + 1);
    }

    public void Dispose()
    {
        foreach (var s in _subscriptions.Values) s?.Dispose();
        _subscriptions.Clear();
    }
}
