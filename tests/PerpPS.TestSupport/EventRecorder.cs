using PerpPS.Core.Client;
using PerpPS.Core.Protocol;

namespace PerpPS.TestSupport;

/// <summary>
/// perpd's event stream for a test, read on a thread into a list until EOF (perpd gone) or
/// dispose. Each event carries perpd's own time, so a test checks how long perpd waited
/// (a stop timeout, the respawn governor) by the times perpd stamped on its events, which
/// a loaded machine cannot shorten, instead of by a stopwatch of its own. (perpd closes its
/// subscribers when it begins to shut down: shutdown timing cannot be seen this way.)
/// </summary>
public sealed class EventRecorder : IDisposable
{
    private readonly EventSubscription _subscription;
    private readonly List<PerpEvent> _events = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Thread _reader;

    private EventRecorder(EventSubscription subscription)
    {
        _subscription = subscription;
        _reader = new Thread(Read) { IsBackground = true, Name = "EventRecorder" };
        _reader.Start();
    }

    /// <summary>Subscribes to <paramref name="ids"/> (none: every service) of the perpd on <paramref name="baseDirectory"/>.</summary>
    public static EventRecorder Open(string baseDirectory, params ServiceId[] ids) =>
        new(EventSubscription.Open(baseDirectory, ids, Perp.ClientTimeout)
            ?? throw new InvalidOperationException("perpd does not speak the event extension"));

    private void Read()
    {
        while (!_subscription.IsClosed && _subscription.TryRead(out var ev, Timeout.InfiniteTimeSpan, _stop.Token))
            lock (_events) _events.Add(ev);
    }

    /// <summary>The events so far, in order.</summary>
    public PerpEvent[] Events
    {
        get { lock (_events) return _events.ToArray(); }
    }

    /// <summary>Waits for the first event (in order) that <paramref name="match"/> accepts.</summary>
    public PerpEvent WaitFor(Func<PerpEvent, bool> match, string what, TimeSpan? timeout = null)
    {
        PerpEvent found = default;
        Wait.Until(() =>
        {
            foreach (var e in Events)
                if (match(e)) { found = e; return true; }
            return false;
        }, what, timeout);
        return found;
    }

    /// <summary>Waits for <paramref name="count"/> events (in order) that <paramref name="match"/> accepts; returns the first that many.</summary>
    public PerpEvent[] WaitForCount(Func<PerpEvent, bool> match, int count, string what, TimeSpan? timeout = null)
    {
        PerpEvent[] found = [];
        Wait.Until(() => (found = Events.Where(match).Take(count).ToArray()).Length == count, what, timeout);
        return found;
    }

    /// <summary>The gaps between successive events, in seconds by perpd's clock.</summary>
    public static double[] Gaps(PerpEvent[] events) =>
        events.Zip(events.Skip(1), SecondsBetween).ToArray();

    /// <summary>Seconds between two events by perpd's clock.</summary>
    public static double SecondsBetween(PerpEvent earlier, PerpEvent later) => later.Time.NanosecondsSince(earlier.Time) / 1e9;

    public void Dispose()
    {
        _stop.Cancel();
        _reader.Join(TimeSpan.FromSeconds(10));
        _subscription.Dispose();
        _stop.Dispose();
    }
}
