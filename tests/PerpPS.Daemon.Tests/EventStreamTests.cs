using PerpPS.Core.Client;
using PerpPS.Core.Interop;
using PerpPS.Core.Posix;
using PerpPS.Core.Protocol;

namespace PerpPS.Daemon.Tests;

/// <summary>The live event stream (W) of a real perpd: what a subscriber sees, and that slow ones cannot hurt perpd.</summary>
public sealed class EventStreamTests
{
    private static readonly TimeSpan T = TimeSpan.FromSeconds(15);

    private static EventSubscription Subscribe(string baseDirectory, params string[] names)
    {
        var ids = names.Select(n => Perp.Id(Path.Combine(baseDirectory, n))).ToArray();
        var sub = EventSubscription.Open(baseDirectory, ids, Perp.ClientTimeout);
        Assert.NotNull(sub);
        return sub!;
    }

    /// <summary>Reads events until one matches; returns all read, the match last.</summary>
    private static List<PerpEvent> ReadUntil(EventSubscription sub, Func<PerpEvent, bool> match, string what)
    {
        var seen = new List<PerpEvent>();
        var limit = DateTime.UtcNow + T;
        while (DateTime.UtcNow < limit)
        {
            if (!sub.TryRead(out var e, limit - DateTime.UtcNow)) break;
            seen.Add(e);
            if (match(e)) return seen;
        }
        throw new TimeoutException($"no event: {what}; seen: {string.Join(", ", seen.Select(e => $"{e.Sequence}:{e.Kind}/{e.Target}"))}");
    }

    [Fact]
    public void A_kill_9_shows_as_exited_by_signal_9_then_reset_then_started()
    {
        using var b = new TempBase();
        b.AddService("sleeper", Scripts.Forever);
        b.AddService("other", Scripts.Forever);
        using var d = DaemonProcess.Start(b.Path);
        int pid = Perp.WaitMainUp(b.Path, "sleeper");
        Perp.WaitMainUp(b.Path, "other");
        using var sub = Subscribe(b.Path, "sleeper");
        Assert.Equal(0, Libc.Kill(pid, SignalNames.SIGKILL));
        var seen = ReadUntil(sub, e => e.Kind == EventKind.Started, "restart");
        var id = Perp.Id(b.Service("sleeper"));
        Assert.All(seen, e => Assert.Equal(id, e.Id)); // the filter holds
        Assert.Equal(new[] { EventKind.Exited, EventKind.ResetStarted, EventKind.ResetDone, EventKind.Started },
            seen.Select(e => e.Kind).Where(k => k != EventKind.StartHeld));
        var exited = seen[0];
        Assert.Equal((uint)pid, exited.Pid);
        Assert.Equal(ExitKind.Killed, exited.ExitKind);
        Assert.Equal(9, exited.ExitValue);
        Assert.Equal(EventTarget.Main, exited.Target);
        Assert.True(seen.Zip(seen.Skip(1)).All(p => p.Second.Sequence > p.First.Sequence));
        Assert.True(exited.Sequence > sub.StartSequence);
        Assert.Equal((uint)Perp.WaitMainUp(b.Path, "sleeper"), seen[^1].Pid);
    }

    [Fact]
    public void Commands_activation_and_deactivation_are_events()
    {
        using var b = new TempBase();
        b.AddService("svc", Scripts.Forever);
        using var d = DaemonProcess.Start(b.Path);
        Perp.WaitMainUp(b.Path, "svc");
        using var sub = Subscribe(b.Path);
        Assert.Equal(0, Perp.Command(b.Path, "svc", 'd'));
        var down = ReadUntil(sub, e => e.Kind == EventKind.Down, "down");
        Assert.Equal(EventKind.WantDown, down[0].Kind);
        Assert.Contains(down, e => e.Kind == EventKind.Exited && e.ExitKind == ExitKind.Killed && e.ExitValue == 15);
        Assert.Equal(0, Perp.Command(b.Path, "svc", 'u'));
        var up = ReadUntil(sub, e => e.Kind == EventKind.Started, "up again");
        Assert.Equal(EventKind.WantUp, up[0].Kind);
        Assert.Equal((uint)'u', up[0].Detail);

        b.AddService("fresh", Scripts.Forever);
        Libc.Kill(d.Pid, SignalNames.SIGHUP);
        var act = ReadUntil(sub, e => e.Kind == EventKind.Started && e.Id == Perp.Id(b.Service("fresh")), "fresh started");
        Assert.Contains(act, e => e.Kind == EventKind.Activated && e.Target == EventTarget.Service && e.Id == Perp.Id(b.Service("fresh")));
        var freshId = Perp.Id(b.Service("fresh"));
        b.SetActive("fresh", false);
        Libc.Kill(d.Pid, SignalNames.SIGHUP);
        var gone = ReadUntil(sub, e => e.Kind == EventKind.Deactivated && e.Id == freshId, "fresh deactivated");
        Assert.Contains(gone, e => e.Kind == EventKind.Deactivating && e.Id == freshId);
    }

    [Fact]
    public void Subscribers_have_their_own_limit_and_are_never_closed_as_stale()
    {
        using var b = new TempBase();
        b.AddService("svc", Scripts.Forever);
        using var d = DaemonProcess.Start(b.Path, ["-w", "2", "-c", "2"]);
        Perp.WaitMainUp(b.Path, "svc");
        using var s1 = Subscribe(b.Path);
        using var s2 = Subscribe(b.Path);
        var e = Assert.Throws<ControlException>(() => EventSubscription.Open(b.Path, default, Perp.ClientTimeout));
        Assert.Equal(ControlStage.Subscribe, e.Stage);
        Assert.Equal(Errno.EUSERS, e.Errno);
        // Two subscribers do not take the two client slots: two clients still get answers.
        using var c1 = ControlClient.ConnectToBase(b.Path, Perp.ClientTimeout);
        using var c2 = ControlClient.ConnectToBase(b.Path, Perp.ClientTimeout);
        Assert.Equal(ReplyKind.Status, c1.Query(Perp.Id(b.Service("svc"))).Kind);
        Assert.Equal(ReplyKind.Status, c2.Query(Perp.Id(b.Service("svc"))).Kind);
        c1.Dispose();
        c2.Dispose();
        // Past perpd's 8-second stale rule, the subscribers still get events.
        Thread.Sleep(TimeSpan.FromSeconds(9));
        Assert.Equal(0, Perp.Command(b.Path, "svc", 'd'));
        ReadUntil(s1, ev => ev.Kind == EventKind.WantDown, "s1 still subscribed");
        ReadUntil(s2, ev => ev.Kind == EventKind.WantDown, "s2 still subscribed");
        Assert.DoesNotContain(d.Lines, l => l.Contains("closing stale client connection"));
    }

    /// <summary>
    /// Every event from <paramref name="events"/> accounts for the daemon-wide sequence:
    /// consecutive numbers, except where an Overflow says how many were dropped.
    /// </summary>
    private static (int Overflows, int BeforeFirstOverflow) CheckSequence(List<PerpEvent> events)
    {
        int overflows = 0, before = -1;
        for (int i = 1; i < events.Count; i++)
        {
            var (prev, e) = (events[i - 1], events[i]);
            if (e.Kind == EventKind.Overflow)
            {
                overflows++;
                if (before < 0) before = i;
                Assert.Equal(prev.Sequence + e.Detail, e.Sequence);
            }
            else Assert.Equal(prev.Sequence + 1, e.Sequence);
        }
        return (overflows, before);
    }

    [Fact]
    public void Hundred_subscribers_ten_never_reading_do_not_block_perpd_and_stay_bounded()
    {
        using var b = new TempBase();
        b.AddService("svc", Scripts.Forever, down: true);
        b.AddService("marker", Scripts.Forever, down: true);
        using var d = DaemonProcess.Start(b.Path);
        Wait.Until(() => Perp.Query(b.Path, "marker").Kind == ReplyKind.Status, "active");
        var subs = Enumerable.Range(0, 100).Select(_ => Subscribe(b.Path)).ToList();
        try
        {
            var readers = subs.Take(90).ToList();
            var stuck = subs.Skip(90).ToList();
            var svc = Perp.Id(b.Service("svc"));
            var marker = Perp.Id(b.Service("marker"));
            var received = readers.Select(_ => new List<PerpEvent>()).ToArray();
            // One thread per reader (not the thread pool: 90 blocking reads would starve it).
            var threads = readers.Select((s, i) => new Thread(() =>
            {
                try
                {
                    while (s.TryRead(out var e, T))
                    {
                        received[i].Add(e);
                        if (e.Kind == EventKind.WantUp && e.Id == marker) return;
                    }
                }
                catch (ControlException) { }
            }) { IsBackground = true }).ToList();
            threads.ForEach(t => t.Start());

            // 8,000 commands: 16,000 events (WantDown + Down), 816 KB per subscriber, far beyond
            // a socket buffer plus the 64-event ring. perpd answers every one of them.
            const int Commands = 8000;
            using (var c = ControlClient.ConnectToBase(b.Path, Perp.ClientTimeout))
            {
                for (int i = 0; i < Commands; i++) Assert.Equal(0, c.Command(svc, ControlCommand.Down).Errno);
                // Status is still served at once while ten subscribers hold full buffers.
                Assert.Equal(ReplyKind.Status, c.Query(svc).Kind);
                // A reader that fell behind too drops events until it catches up (the marker
                // among them): repeat the marker until every reader has seen one.
                var until = DateTime.UtcNow + T;
                do Assert.Equal(0, c.Command(marker, ControlCommand.Up).Errno);
                while (!threads.All(t => t.Join(200)) && DateTime.UtcNow < until);
            }
            Assert.All(threads, t => Assert.False(t.IsAlive, "a reading subscriber never saw the marker"));
            foreach (var list in received)
            {
                CheckSequence(list);
                Assert.Equal(EventKind.WantUp, list[^1].Kind);
            }

            // The stuck ones: perpd kept a bounded amount (socket buffer + ring), then counted.
            foreach (var s in stuck)
            {
                var got = new List<PerpEvent>();
                // Reading frees room: the ring drains, the Overflow marker follows, then live events.
                Assert.Equal(0, Perp.Command(b.Path, "marker", 'o'));
                while (s.TryRead(out var e, TimeSpan.FromSeconds(2)))
                {
                    got.Add(e);
                    if (e.Kind == EventKind.Overflow) break;
                }
                var (overflows, before) = CheckSequence(got);
                Assert.Equal(1, overflows);
                Assert.True(before < Commands / 2, $"{before} events held for a stuck subscriber (of {2 * Commands})");
                Assert.Equal(EventKind.Overflow, got[^1].Kind);
                // After the overflow, live events arrive again.
                Assert.Equal(0, Perp.Command(b.Path, "marker", 'u'));
                var next = ReadUntil(s, e => e.Kind == EventKind.WantUp && e.Id == marker, "live after overflow");
                Assert.True(next[0].Sequence > got[^1].Sequence);
            }
            Assert.True(d.IsAnswering());
        }
        finally
        {
            foreach (var s in subs) s.Dispose();
        }
    }

    [Fact]
    public void Shutdown_closes_the_stream()
    {
        using var b = new TempBase();
        b.AddService("svc", Scripts.Forever);
        using var d = DaemonProcess.Start(b.Path);
        Perp.WaitMainUp(b.Path, "svc");
        using var sub = Subscribe(b.Path);
        Libc.Kill(d.Pid, SignalNames.SIGTERM);
        while (sub.TryRead(out _, T)) { }
        Assert.True(sub.IsClosed);
    }
}
