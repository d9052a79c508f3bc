using PerpPS.Core.Client;
using PerpPS.Core.Interop;
using PerpPS.Core.Posix;
using PerpPS.Core.Protocol;

namespace PerpPS.Daemon.Tests;

/// <summary>
/// The extended status (X, L; docs/protocol-extensions.md) from a real perpd: last exit,
/// when, how long, restarts, start failures, process group, for each way a run can end.
/// </summary>
public sealed class ExtendedStatusTests
{
    private static ExtendedStatus Ext(string baseDirectory, string name)
    {
        using var c = ControlClient.ConnectToBase(baseDirectory, Perp.ClientTimeout);
        var r = c.QueryExtended(Perp.Id(Path.Combine(baseDirectory, name)), fallback: false);
        Assert.True(r.Kind == ReplyKind.Status, $"expected an extended status for {name}, got {r.Kind} errno {r.Errno}");
        Assert.True(r.Status.HasExtension);
        return r.Status;
    }

    private static ExtendedStatus WaitExt(string baseDirectory, string name, Func<ExtendedStatus, bool> condition, string what)
    {
        ExtendedStatus last = default;
        Wait.Until(() => condition(last = Ext(baseDirectory, name)), what + $" (last: {last})");
        return last;
    }

    [Fact]
    public void A_clean_exit_0_is_exit_code_0_with_its_run_time_and_no_restart()
    {
        using var b = new TempBase();
        b.AddService("once", "case $1 in start) sleep 1.2; exit 0 ;; esac\nexit 0", once: true);
        using var d = DaemonProcess.Start(b.Path);
        var before = Tai64N.Now();
        int pid = Perp.WaitMainUp(b.Path, "once");
        Assert.Equal((uint)pid, Ext(b.Path, "once").Main.ProcessGroup); // every runscript leads its own group
        var s = WaitExt(b.Path, "once", e => e.Main.LastExitKind != ExitKind.None && !e.Status.Main.IsRunning, "once ended");
        Assert.Equal(ExitKind.Exited, s.Main.LastExitKind);
        Assert.Equal(0, s.Main.ExitCode);
        Assert.Null(s.Main.Signal);
        Assert.True(s.Main.LastRunTime >= TimeSpan.FromSeconds(1.2), $"run time {s.Main.LastRunTime}");
        Assert.True(s.Main.LastExitTime > before && s.Main.LastExitTime <= Tai64N.Now());
        Assert.Equal(0u, s.Main.Restarts);
        Assert.Equal(0u, s.Main.StartFailures);
        Assert.Equal(0u, s.Main.ProcessGroup);
        Assert.Equal(Perp.Status(b.Path, "once"), s.Status); // the v2 part is what Q says
    }

    [Fact]
    public void Exit_3_in_a_loop_counts_restarts_about_once_a_second_and_start_failures()
    {
        using var b = new TempBase();
        b.AddService("flapper", "case $1 in start) exit 3 ;; esac\nexit 0");
        using var d = DaemonProcess.Start(b.Path);
        var first = WaitExt(b.Path, "flapper", e => e.Main.Restarts >= 1, "a first restart");
        Assert.Equal(ExitKind.Exited, first.Main.LastExitKind);
        Assert.Equal(3, first.Main.ExitCode);
        var later = WaitExt(b.Path, "flapper", e => e.Main.Restarts >= first.Main.Restarts + 3, "three more restarts");
        // The governor spaces starts ≥ 1 s apart: by perpd's own exit times, 3 more restarts
        // span more than 2 s (each run is a few ms; a loaded machine only stretches it).
        uint restarts = later.Main.Restarts - first.Main.Restarts;
        double seconds = later.Main.LastExitTime.NanosecondsSince(first.Main.LastExitTime) / 1e9;
        Assert.True(seconds >= restarts - 1, $"{restarts} restarts in {seconds:F3} s by perpd's clock: the governor is not holding");
        Assert.Equal(later.Main.Restarts, later.Main.RestartsSinceStart);
        Assert.True(later.Main.StartFailures >= 3, $"start failures {later.Main.StartFailures}");
        Assert.True(later.Main.LastRunTime < TimeSpan.FromSeconds(1));
    }

    [Fact]
    public void Sigkill_is_signal_9_and_an_explicit_up_zeroes_the_restarts_since_start()
    {
        using var b = new TempBase();
        b.AddService("sleeper", Scripts.Forever);
        using var d = DaemonProcess.Start(b.Path);
        int pid = Perp.WaitMainUp(b.Path, "sleeper");
        Assert.Equal(ExitKind.None, Ext(b.Path, "sleeper").Main.LastExitKind);
        Assert.Equal(0, Libc.Kill(pid, SignalNames.SIGKILL));
        var s = WaitExt(b.Path, "sleeper", e => e.Main.Restarts == 1 && e.Status.Main.IsRunning && e.Status.Main.Pid != pid, "restarted");
        Assert.Equal(ExitKind.Killed, s.Main.LastExitKind);
        Assert.Equal(9, s.Main.Signal);
        Assert.Null(s.Main.ExitCode);
        Assert.Equal(1u, s.Main.RestartsSinceStart);
        Assert.Equal(s.Status.Main.Pid, s.Main.ProcessGroup);
        Assert.Equal(0, Perp.Command(b.Path, "sleeper", 'u'));
        s = Ext(b.Path, "sleeper");
        Assert.Equal(1u, s.Main.Restarts);
        Assert.Equal(0u, s.Main.RestartsSinceStart);
    }

    [Fact]
    public void Sigsegv_is_signal_11()
    {
        using var b = new TempBase();
        b.AddService("segv", "case $1 in start) sleep 0.2; kill -SEGV $$ ;; esac\nexit 0", once: true);
        using var d = DaemonProcess.Start(b.Path);
        var s = WaitExt(b.Path, "segv", e => e.Main.LastExitKind != ExitKind.None, "segv ended");
        Assert.True(s.Main.LastExitKind is ExitKind.Killed or ExitKind.Dumped, s.Main.LastExitKind.ToString());
        Assert.Equal(11, s.Main.Signal);
    }

    [Fact]
    public void An_exec_failure_is_reported_with_its_errno_and_counts_as_a_start_failure()
    {
        using var b = new TempBase();
        string dir = b.AddService("broken", Scripts.Forever);
        File.SetUnixFileMode(Path.Combine(dir, "rc.main"), UnixFileMode.UserRead | UnixFileMode.UserWrite);
        using var d = DaemonProcess.Start(b.Path);
        var s = WaitExt(b.Path, "broken", e => e.Main.StartFailures >= 2, "two failed starts");
        Assert.Equal(ExitKind.ExecFailed, s.Main.LastExitKind);
        Assert.Equal(Errno.EACCES, s.Main.LastExitValue);
        Assert.Null(s.Main.ExitCode);
        Assert.True(s.Main.Restarts >= 1);
        Assert.Equal(TimeSpan.Zero, s.Main.LastRunTime);
        // Fixed: the next start runs, and once it has been up a second the failures read 0.
        File.SetUnixFileMode(Path.Combine(dir, "rc.main"), (UnixFileMode)0b111_101_101);
        WaitExt(b.Path, "broken", e => e.Status.Main.IsRunning && !e.Status.Main.IsResetting && e.Main.StartFailures == 0, "up and healthy");
    }

    [Fact]
    public void A_logger_that_dies_has_its_own_exit_and_restart_count()
    {
        using var b = new TempBase();
        b.AddService("logged", Scripts.Forever, rcLog: Scripts.Forever);
        using var d = DaemonProcess.Start(b.Path);
        Perp.WaitMainUp(b.Path, "logged");
        int log = Perp.WaitLogUp(b.Path, "logged");
        Assert.Equal(0, Libc.Kill(log, SignalNames.SIGKILL));
        var s = WaitExt(b.Path, "logged", e => e.Log.Restarts == 1 && e.Status.Log.IsRunning && !e.Status.Log.IsResetting, "logger restarted");
        Assert.Equal(ExitKind.Killed, s.Log.LastExitKind);
        Assert.Equal(9, s.Log.Signal);
        Assert.Equal(ExitKind.None, s.Main.LastExitKind);
        Assert.Equal(0u, s.Main.Restarts);
    }

    [Fact]
    public void Bulk_status_lists_every_service_in_one_request_and_answers_ids_in_order()
    {
        using var b = new TempBase();
        for (int i = 0; i < 40; i++) b.AddService($"s{i:00}", Scripts.Forever, down: true);
        b.AddService("nolog", Scripts.Forever, down: true);
        using var d = DaemonProcess.Start(b.Path);
        Wait.Until(() => Perp.Query(b.Path, "s39").Kind == ReplyKind.Status, "s39 active");
        using var c = ControlClient.ConnectToBase(b.Path, Perp.ClientTimeout);
        var all = new List<ExtendedStatus>();
        Assert.True(c.TryListAll(all));
        Assert.Equal(41, all.Count);
        var ids = Enumerable.Range(0, 40).Select(i => Perp.Id(b.Service($"s{i:00}"))).ToHashSet();
        Assert.Subset(all.Select(s => s.Id).ToHashSet(), ids);
        // The same connection goes on with v2 and with ids.
        var q = c.Query(Perp.Id(b.Service("s07")));
        Assert.Equal(all.Single(s => s.Id == Perp.Id(b.Service("s07"))).Status, q.Status);
        var unknown = new ServiceId(1, 1);
        var replies = c.QueryMany(new[] { Perp.Id(b.Service("s03")), unknown, Perp.Id(b.Service("s05")) });
        Assert.Equal(Perp.Id(b.Service("s03")), replies[0].Status.Id);
        Assert.Equal(Errno.ENOTDIR, replies[1].Errno);
        Assert.Equal(Perp.Id(b.Service("s05")), replies[2].Status.Id);
        Assert.Equal(Errno.ENOTDIR, c.QueryExtended(unknown).Errno);
    }

    [Fact]
    public void Bulk_status_of_2000_services_streams_past_the_socket_buffer()
    {
        using var b = new TempBase();
        for (int i = 0; i < 2000; i++) b.AddService($"s{i:0000}", Scripts.Forever, down: true);
        using var d = DaemonProcess.Start(b.Path);
        Wait.Until(() => Perp.Query(b.Path, "s1999").Kind == ReplyKind.Status, "s1999 active", TimeSpan.FromSeconds(60));
        using var c = ControlClient.ConnectToBase(b.Path, Perp.ClientTimeout);
        var all = new List<ExtendedStatus>();
        Assert.True(c.TryListAll(all)); // 2000 × 225 bytes: perpd must resume on EPOLLOUT
        Assert.Equal(2000, all.Select(s => s.Id).Distinct().Count());
        Assert.Equal(ReplyKind.Status, c.Query(Perp.Id(b.Service("s0000"))).Kind);
    }

    [Theory]
    [InlineData("025800")]                                 // X without an id
    [InlineData("02580f000000000000000000000000000000")]   // X with 15 bytes
    [InlineData("024c00")]                                 // L without the flags byte
    [InlineData("024c0200ff")]                             // L with a piece of an id
    [InlineData("025700")]                                 // W without the flags byte
    [InlineData("02571000000000000000000000000000000000")] // W with 16 bytes (no flags byte)
    public void Malformed_extension_requests_are_EPROTO_and_the_connection_goes_on(string hex)
    {
        using var b = new TempBase();
        b.AddService("s", Scripts.Forever, down: true);
        using var d = DaemonProcess.Start(b.Path);
        Wait.Until(() => Perp.Query(b.Path, "s").Kind == ReplyKind.Status, "s active");
        using var raw = RawClient.ConnectToBase(b.Path);
        raw.Send(Convert.FromHexString(hex));
        Assert.Equal(Convert.FromHexString("02450447000000"), raw.TryReadPacket());
        var q = new byte[Packet.QuerySize];
        Packet.WriteQuery(q, Perp.Id(b.Service("s")));
        raw.Send(q);
        Assert.Equal((byte)'S', raw.TryReadPacket()![1]);
    }
}
