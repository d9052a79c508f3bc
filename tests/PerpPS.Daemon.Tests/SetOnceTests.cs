using PerpPS.Core.Client;
using PerpPS.Core.Posix;
using PerpPS.Core.Protocol;
using PerpPS.TestSupport;
using Xunit;

namespace PerpPS.Daemon.Tests;

/// <summary>
/// The extension's O packet (docs/protocol-extensions.md): the run-once flag changes and
/// nothing else, so a stopped service's flag can be cleared or set without starting it
/// (perp's o and u change it only together with a start).
/// </summary>
public sealed class SetOnceTests
{
    private static Reply SetOnce(string baseDirectory, string name, bool once, CommandFlags flags = CommandFlags.None)
    {
        using var c = ControlClient.ConnectToBase(baseDirectory, Perp.ClientTimeout);
        return c.SetOnce(Perp.Id(Path.Combine(baseDirectory, name)), once, flags)
            ?? throw new InvalidOperationException("perpd answered O with EPROTO");
    }

    private static int Starts(string journal, string name) =>
        File.Exists(journal) ? Perp.Lines(journal).Count(l => l.StartsWith("start " + name, StringComparison.Ordinal)) : 0;

    [Fact]
    public void Clearing_the_flag_of_a_finished_once_service_leaves_it_down_and_a_later_u_restarts_it_for_good()
    {
        using var b = new TempBase();
        string journal = Path.Combine(b.Scratch, "journal");
        b.AddService("oneshot", Scripts.Journal(journal, "exit 0"), once: true);
        using var d = DaemonProcess.Start(b.Path);
        Perp.WaitLines(journal, l => l.StartsWith("reset oneshot exit 0"));
        Perp.WaitStatus(b.Path, "oneshot", s => !s.Main.IsRunning && s.Main.WantsDown, "the once run done");
        using var events = EventSubscription.Open(b.Path, [Perp.Id(Path.Combine(b.Path, "oneshot"))], Perp.ClientTimeout)!;

        Assert.True(SetOnce(b.Path, "oneshot", once: false).IsSuccess);
        // The reply comes after the flag changed; nothing was started or queued.
        var cleared = Perp.Status(b.Path, "oneshot");
        Assert.False(cleared.Main.IsOnce);
        Assert.True(cleared.Main.WantsDown);
        Assert.Equal(0u, cleared.Main.Pid);
        Assert.True(events.TryRead(out var ev, TimeSpan.FromSeconds(30)), "an event");
        Assert.Equal(EventKind.OnceChanged, ev.Kind);
        Assert.Equal(0u, ev.Detail);
        Assert.Equal(1, Starts(journal, "oneshot"));

        // u now starts it for good: it exits 0 and is started again (after the governor's second).
        Assert.Equal(0, Perp.Command(b.Path, "oneshot", 'u'));
        Perp.WaitLines(journal, l => l.StartsWith("start oneshot"), 3);
        Assert.False(Perp.Status(b.Path, "oneshot").Main.WantsDown);
    }

    [Fact]
    public void Setting_the_flag_of_a_stopped_service_does_not_start_it_and_u_is_not_needed_to_keep_it()
    {
        using var b = new TempBase();
        string journal = Path.Combine(b.Scratch, "journal");
        b.AddService("standby", Scripts.Journal(journal, "exit 0"), down: true);
        using var d = DaemonProcess.Start(b.Path);
        d.WaitForLine("activated new service: standby");
        Assert.True(SetOnce(b.Path, "standby", once: true).IsSuccess);
        var s = Perp.Status(b.Path, "standby");
        Assert.True(s.Main.IsOnce);
        Assert.True(s.Main.WantsDown);
        Assert.Equal(0u, s.Main.Pid);
        Assert.False(File.Exists(journal));
        // o (what Start-PerpService sends for a once service) runs it once; it stays down.
        Assert.Equal(0, Perp.Command(b.Path, "standby", 'o'));
        Perp.WaitLines(journal, l => l.StartsWith("reset standby exit 0"));
        Perp.WaitStatus(b.Path, "standby", st => !st.Main.IsRunning && st.Main.WantsDown, "down after its once run");
    }

    [Fact]
    public void Setting_the_flag_of_a_running_service_keeps_it_running_and_it_stays_down_after_its_run()
    {
        using var b = new TempBase();
        string journal = Path.Combine(b.Scratch, "journal");
        b.AddService("web", Scripts.Sleeper(journal));
        using var d = DaemonProcess.Start(b.Path);
        int pid = Perp.WaitMainUp(b.Path, "web");
        // The runscript journals its start after perpd reports its pid: a t sent before that
        // line (perpd answers within a millisecond of the spawn) would leave no start to count.
        Perp.WaitLines(journal, l => l.StartsWith("start web", StringComparison.Ordinal));
        Assert.True(SetOnce(b.Path, "web", once: true).IsSuccess);
        var s = Perp.Status(b.Path, "web");
        Assert.True(s.Main.IsOnce);
        Assert.False(s.Main.WantsDown);
        Assert.Equal((uint)pid, s.Main.Pid);
        Assert.Equal(0, Perp.Command(b.Path, "web", 't'));
        Perp.WaitLines(journal, l => l.StartsWith("reset web signal 15"));
        Perp.WaitStatus(b.Path, "web", st => !st.Main.IsRunning && st.Main.WantsDown, "down after its once run");
        Assert.Equal(1, Starts(journal, "web"));
    }

    [Fact]
    public void Bad_O_packets_are_refused_and_perp_clients_packets_are_unchanged()
    {
        using var b = new TempBase();
        b.AddService("web", Scripts.Forever);
        using var d = DaemonProcess.Start(b.Path);
        Perp.WaitMainUp(b.Path, "web");
        var id = Perp.Id(Path.Combine(b.Path, "web"));
        using var raw = RawClient.ConnectToBase(b.Path);
        Span<byte> packet = stackalloc byte[ExtensionPacket.SetOnceSize];
        ExtensionPacket.WriteSetOnce(packet, id, once: true);
        packet[^1] = 2; // neither set nor clear
        raw.Send(packet);
        Assert.Equal(Errno.EPROTO, ErrnoOf(raw.TryReadPacket()));
        byte[] short1 = packet[..^1].ToArray(); // the value byte left out: 17 bytes of payload
        short1[2] = ServiceId.Size + 1;
        raw.Send(short1);
        Assert.Equal(Errno.EPROTO, ErrnoOf(raw.TryReadPacket()));
        ExtensionPacket.WriteSetOnce(packet, new ServiceId(1, 1), once: true);
        raw.Send(packet);
        Assert.Equal(Errno.ENOENT, ErrnoOf(raw.TryReadPacket()));
        Assert.False(Perp.Status(b.Path, "web").Main.IsOnce);
        // perp's own o still sets the flag as before.
        Assert.Equal(0, Perp.Command(b.Path, "web", 'o'));
        Assert.True(Perp.Status(b.Path, "web").Main.IsOnce);
    }

    private static int ErrnoOf(byte[]? packet)
    {
        Assert.NotNull(packet);
        var reply = Reply.Parse(packet);
        Assert.Equal(ReplyKind.Error, reply.Kind);
        return reply.Errno;
    }
}
