using PerpPS.Core.Client;
using PerpPS.Core.Posix;
using PerpPS.Core.Protocol;

namespace PerpPS.Daemon.Tests;

/// <summary>Scanning, activation, deactivation, reactivation (spec §4).</summary>
public sealed class ScanTests
{
    [Fact]
    public void Sighup_rescans_and_activates_a_new_sticky_directory()
    {
        using var b = new TempBase();
        b.AddService("first", Scripts.Forever);
        b.AddService(".hidden", Scripts.Forever);
        b.AddService("inactive", Scripts.Forever, active: false);
        File.WriteAllText(Path.Combine(b.Path, "file"), "");
        using var d = DaemonProcess.Start(b.Path);
        d.WaitForLine("activated new service: first");
        d.WaitForLine("supervising 1 active service");
        // Not sticky, dot-named: not a service. A sticky dir perpd has not scanned is ENOTDIR.
        Assert.Equal(Core.Posix.Errno.ENOTDIR, Perp.Query(b.Path, "inactive").Errno);
        Assert.Equal(Core.Posix.Errno.ENOTDIR, Perp.Query(b.Path, ".hidden").Errno);

        b.AddService("second", Scripts.Forever);
        Assert.Equal(Core.Posix.Errno.ENOTDIR, Perp.Query(b.Path, "second").Errno);
        Assert.Equal(0, Core.Interop.Libc.Kill(d.Pid, 1));
        d.WaitForLine("activated new service: second");
        d.WaitForLine("supervising 2 active services");
        Perp.WaitMainUp(b.Path, "second");
    }

    [Fact]
    public void Autoscan_activates_without_a_signal()
    {
        using var b = new TempBase();
        using var d = DaemonProcess.Start(b.Path, ["-a", "1"]);
        d.WaitForLine("supervising 0 active services");
        b.AddService("late", Scripts.Forever);
        d.WaitForLine("activated new service: late", TimeSpan.FromSeconds(10));
    }

    [Fact]
    public void Clearing_the_sticky_bit_deactivates_main_then_log_with_resets()
    {
        using var b = new TempBase();
        string journal = Path.Combine(b.Scratch, "journal");
        string logJournal = Path.Combine(b.Scratch, "log");
        b.AddService("svc", Scripts.Journal(journal, "echo main-says-hi; exec sleep 100000"),
            rcLog: $$"""
            case $1 in
              start) exec cat >> {{logJournal}} ;;
              reset) echo "log-reset $*" >> {{logJournal}} ;;
            esac
            """);
        using var d = DaemonProcess.Start(b.Path);
        int main = Perp.WaitMainUp(b.Path, "svc");
        int log = Perp.WaitLogUp(b.Path, "svc");
        Perp.WaitLines(logJournal, l => l == "main-says-hi");

        b.SetActive("svc", false);
        Core.Interop.Libc.Kill(d.Pid, 1);
        d.WaitForLine("deactivating service svc");
        // main got SIGTERM, its reset ran (output still logged), then perpd closed the pipe
        // and sent the logger SIGTERM, then the log reset ran; nothing of the service is left.
        Perp.WaitLines(journal, l => l.StartsWith($"reset svc signal 15 SIGTERM svpid={main} "));
        var logLines = Perp.WaitLines(logJournal, l => l.StartsWith("log-reset "));
        Assert.Matches("^log-reset reset svc (signal 15 SIGTERM|exit 0)", logLines[0]);
        Assert.Contains("main-says-hi", Perp.Lines(logJournal));
        Wait.Until(() => !ProcessKiller.IsAlive(main) && !ProcessKiller.IsAlive(log), "service processes gone");
        Assert.Equal(Core.Posix.Errno.ENOTDIR, Perp.Query(b.Path, "svc").Errno);
        d.WaitForLine("supervising 0 active services");
    }

    [Fact]
    public void Removed_directory_is_deactivated_and_its_reset_fails_quietly()
    {
        using var b = new TempBase();
        string journal = Path.Combine(b.Scratch, "journal");
        string dir = b.AddService("doomed", Scripts.Sleeper(journal));
        using var d = DaemonProcess.Start(b.Path);
        int main = Perp.WaitMainUp(b.Path, "doomed");
        File.SetUnixFileMode(dir, (UnixFileMode)0b111_101_101);
        Directory.Delete(dir, true);
        Core.Interop.Libc.Kill(d.Pid, 1);
        d.WaitForLine("deactivating service doomed");
        Assert.False(ProcessKiller.IsAlive(main));
    }

    [Fact]
    public void Renamed_directory_keeps_running_and_the_new_name_reaches_argv()
    {
        using var b = new TempBase();
        string journal = Path.Combine(b.Scratch, "journal");
        b.AddService("before", Scripts.Sleeper(journal));
        using var d = DaemonProcess.Start(b.Path);
        int pid = Perp.WaitMainUp(b.Path, "before");
        Directory.Move(b.Service("before"), b.Service("after"));
        b.AddService("marker", Scripts.Forever); // its activation proves the rescan happened
        Core.Interop.Libc.Kill(d.Pid, 1);
        d.WaitForLine("activated new service: marker");
        Assert.Equal((uint)pid, Perp.Status(b.Path, "after").Main.Pid);
        Assert.DoesNotContain(d.Lines, l => l.Contains("deactivating"));
        Core.Interop.Libc.Kill(pid, 15);
        Perp.WaitLines(journal, l => l.StartsWith("reset after signal 15 SIGTERM"));
        Perp.WaitLines(journal, l => l.StartsWith("start after "));
    }

    [Fact]
    public void Long_names_are_truncated_to_31_bytes_in_argv_and_log_lines()
    {
        using var b = new TempBase();
        string journal = Path.Combine(b.Scratch, "journal");
        const string name = "abcdefghijklmnopqrstuvwxyz0123456789ABCD";
        b.AddService(name, Scripts.Sleeper(journal));
        using var d = DaemonProcess.Start(b.Path);
        d.WaitForLine("activated new service: " + name);
        Perp.WaitLines(journal, l => l.StartsWith("start abcdefghijklmnopqrstuvwxyz01234 svpid="));
        b.SetActive(name, false);
        Core.Interop.Libc.Kill(d.Pid, 1);
        d.WaitForLine("deactivating service abcdefghijklmnopqrstuvwxyz01234");
    }

    [Fact]
    public void Symlink_to_a_service_is_the_same_service()
    {
        using var b = new TempBase();
        string journal = Path.Combine(b.Scratch, "journal");
        string dir = b.AddService("real", Scripts.Sleeper(journal));
        File.CreateSymbolicLink(b.Service("alias"), dir);
        using var d = DaemonProcess.Start(b.Path);
        int pid = Perp.WaitMainUp(b.Path, "real");
        d.WaitForLine("supervising 1 active service");
        Assert.Equal((uint)pid, Perp.Status(b.Path, "alias").Main.Pid);
    }

    [Fact]
    public void Reactivation_during_deactivation_answers_EBUSY_then_activates_afresh()
    {
        using var b = new TempBase();
        string journal = Path.Combine(b.Scratch, "journal");
        b.AddService("slow2", $$"""
            echo "$1 t=$(date +%s.%N)" >> {{journal}}
            case $1 in start) exec sleep 100000 ;; reset) sleep 2 ;; esac
            """);
        using var d = DaemonProcess.Start(b.Path);
        Perp.WaitMainUp(b.Path, "slow2");
        var activated = Perp.Status(b.Path, "slow2").Activated;
        b.SetActive("slow2", false);
        Core.Interop.Libc.Kill(d.Pid, 1);
        Perp.WaitStatus(b.Path, "slow2", s => s.Main.IsResetting && (s.Flags & ServiceFlags.Cull) != 0, "deactivation in progress");
        b.SetActive("slow2", true);
        Core.Interop.Libc.Kill(d.Pid, 1);
        var s = Perp.WaitStatus(b.Path, "slow2", s => (s.Flags & ServiceFlags.Cycle) != 0, "flagged for reactivation");
        Assert.True((s.Flags & ServiceFlags.Cull) != 0);
        Assert.Equal(Core.Posix.Errno.EBUSY, Perp.Command(b.Path, "slow2", 'u'));
        d.WaitForLine("deactivating service slow2");
        var fresh = Perp.WaitStatus(b.Path, "slow2", st => st.Activated != activated && st.Main.IsRunning, "fresh activation");
        Assert.Equal(ServiceFlags.Active, fresh.Flags);
    }

    [Fact]
    public void Ten_thousand_services_are_supervised()
    {
        using var b = new TempBase();
        // Ten thousand activations (directory fd, record, status); every tenth service runs a
        // real process. Not all ten thousand: a running service holds two descriptors in perpd
        // (its directory and a pidfd), and the hard RLIMIT_NOFILE here is 20,000 (see
        // bench/RESULTS.md), and spawning them would cost the suite about 25 s; the
        // 1,000 running ones are spread over the whole table, so a service late in the scan
        // must run as well as an early one.
        const int count = 10_000, everyNth = 10;
        for (int i = 0; i < count; i++)
            b.AddService("s" + i, Scripts.Forever, down: i % everyNth != 0);
        using var d = DaemonProcess.Start(b.Path);
        d.WaitForLine($"supervising {count} active services", TimeSpan.FromSeconds(60));
        var s = Perp.Status(b.Path, "s9999");
        Assert.Equal(ServiceFlags.Active | ServiceFlags.Down, s.Flags);
        Assert.Equal(0u, s.Main.Pid);
        for (int i = 0; i < count; i += everyNth)
        {
            int pid = Perp.WaitMainUp(b.Path, "s" + i, TimeSpan.FromSeconds(60));
            AssertSleepOf(d.Pid, pid);
        }
        // A down one starts on request: a real process again, not just an accepted command.
        Assert.Equal(0, Perp.Command(b.Path, "s4242", 'u'));
        AssertSleepOf(d.Pid, Perp.WaitMainUp(b.Path, "s4242"));
    }

    /// <summary>The pid is perpd's child and runs the runscript's sleep (the exec happened).</summary>
    private static void AssertSleepOf(int daemon, int pid)
    {
        Assert.True(ProcStat.TryRead(pid, out var stat), $"pid {pid} has no /proc entry");
        Assert.Equal(daemon, stat.Parent);
        Wait.Until(() => ProcFs.CommandLine(pid).StartsWith("sleep ", StringComparison.Ordinal), $"pid {pid} to exec sleep");
    }
}
