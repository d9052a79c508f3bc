using PerpPS.Core.Client;
using PerpPS.Core.Protocol;

namespace PerpPS.Daemon.Tests;

/// <summary>An idle perpd makes no system calls (design: no polling, no timer without a deadline).</summary>
public sealed class IdleTests
{
    [Fact]
    public void Idle_daemon_does_not_wake_up()
    {
        using var b = new TempBase();
        b.AddService("svc", Scripts.Forever, rcLog: "exec cat > /dev/null");
        b.AddService("down", Scripts.Forever, down: true);
        using var d = DaemonProcess.Start(b.Path);
        Perp.WaitMainUp(b.Path, "svc");
        Perp.WaitLogUp(b.Path, "svc");
        Assert.Equal(0, Perp.Command(b.Path, "svc", 'h'));
        // Let the last client's connection close and the runtime settle, then watch.
        d.WaitForLine("monitoring 0 client connections");
        Thread.Sleep(1000);
        var before = ProcFs.ContextSwitches(d.Pid);
        Thread.Sleep(3000);
        var after = ProcFs.ContextSwitches(d.Pid);
        long woke = after.Sum(kv => kv.Value - before.GetValueOrDefault(kv.Key));
        // A poll-based loop would wake many times a second; perpd should not wake at all.
        Assert.True(woke <= 3, $"{woke} context switches in 3 s of idleness: {Describe(before, after)}");
    }

    /// <summary>
    /// Issue #9: subscribers cost nothing while nothing happens. Forty subscribers, ten of them
    /// never reading and left behind a full socket, an overflowing ring and events still
    /// waiting (their fds watched for EPOLLOUT), then a quiet interval: perpd's loop thread (the
    /// main thread; the other two are the runtime's) must not wake once. A level-triggered
    /// EPOLLOUT or EPOLLIN left armed, or any timer for subscribers, would wake it here.
    /// </summary>
    [Fact]
    public void Idle_daemon_with_subscribers_reading_and_stuck_does_not_wake_up()
    {
        using var b = new TempBase();
        b.AddService("svc", Scripts.Forever, down: true);
        b.AddService("marker", Scripts.Forever, down: true);
        using var d = DaemonProcess.Start(b.Path);
        Wait.Until(() => Perp.Query(b.Path, "marker").Kind == ReplyKind.Status, "active");
        var subs = Enumerable.Range(0, 40).Select(_ => EventSubscription.Open(b.Path, default, Perp.ClientTimeout)!).ToList();
        using var stop = new CancellationTokenSource();
        var marker = Perp.Id(b.Service("marker"));
        var readers = subs.Take(30).ToList();
        using var allSawMarker = new CountdownEvent(readers.Count);
        // One thread per reader, each blocked in poll(2) on its socket until the test ends.
        var threads = readers.Select(s => new Thread(() =>
        {
            bool counted = false;
            try
            {
                while (!stop.IsCancellationRequested)
                {
                    if (!s.TryRead(out var e, Timeout.InfiniteTimeSpan, stop.Token)) continue;
                    if (!counted && e.Kind == EventKind.WantDown && e.Id == marker) { counted = true; allSawMarker.Signal(); }
                }
            }
            catch (ControlException) { }
        }) { IsBackground = true }).ToList();
        try
        {
            threads.ForEach(t => t.Start());
            // 3,000 commands: 6,000 events, far beyond a socket buffer plus the 64-event ring
            // of each stuck subscriber. Then the marker (d again: no process, so no deadline
            // follows), repeated until every reader saw one (a reader that fell behind drops
            // events too).
            int closedBefore = ClosedAll(d);
            using (var c = ControlClient.ConnectToBase(b.Path, Perp.ClientTimeout))
            {
                var svc = Perp.Id(b.Service("svc"));
                for (int i = 0; i < 3000; i++) Assert.Equal(0, c.Command(svc, ControlCommand.Down).Errno);
                var until = DateTime.UtcNow + TimeSpan.FromSeconds(30);
                do Assert.Equal(0, c.Command(marker, ControlCommand.Down).Errno);
                while (!allSawMarker.Wait(200) && DateTime.UtcNow < until);
                Assert.True(allSawMarker.IsSet, "a reading subscriber never saw the marker");
            }
            // perpd has closed the command connection: nothing is left for it to do.
            Wait.Until(() => ClosedAll(d) > closedBefore, "the command client's close");
            Thread.Sleep(1000); // the runtime settles after start-up (no assertion on time)
            var before = ProcFs.ContextSwitches(d.Pid);
            Thread.Sleep(2000);
            var after = ProcFs.ContextSwitches(d.Pid);
            Assert.True(after[d.Pid] == before[d.Pid],
                $"perpd's loop thread woke {after[d.Pid] - before[d.Pid]} times in 2 s with 40 idle subscribers: {Describe(before, after)}");
            Assert.True(d.IsAnswering());
        }
        finally
        {
            stop.Cancel();
            threads.ForEach(t => t.Join(TimeSpan.FromSeconds(10)));
            foreach (var s in subs) s.Dispose();
        }
    }

    private static int ClosedAll(DaemonProcess d) => d.Lines.Count(l => l.Contains("monitoring 0 client connections", StringComparison.Ordinal));

    private static string Describe(Dictionary<int, long> before, Dictionary<int, long> after) =>
        string.Join(", ", after.Select(kv => $"{kv.Key}:{kv.Value - before.GetValueOrDefault(kv.Key)}"));
}
