using System.Globalization;
using PerpPS.Core.Client;
using PerpPS.Core.Protocol;

namespace PerpPS.Daemon.Tests;

/// <summary>
/// Policy files beyond perp with real perpd and real processes: per-service stop
/// (timeout-kill, down-signal), restart-backoff, give-up, dependencies, notification-fd
/// readiness, health checks, and malformed files.
/// </summary>
public sealed class PolicyTests
{
    private static void Put(TempBase b, string service, string file, string text) =>
        File.WriteAllText(Path.Combine(b.Service(service), file), text);

    /// <summary>The t=UNIXTIME values of journal lines starting with <paramref name="prefix"/>.</summary>
    private static double[] Times(string journal, string prefix) =>
        Perp.Lines(journal).Where(l => l.StartsWith(prefix, StringComparison.Ordinal))
            .Select(l => double.Parse(l[(l.LastIndexOf("t=", StringComparison.Ordinal) + 2)..], CultureInfo.InvariantCulture)).ToArray();

    [Fact]
    public void Stop_sends_down_signal_to_the_group_then_kills_it_after_timeout_kill()
    {
        using var b = new TempBase();
        string pids = Path.Combine(b.Scratch, "pids");
        b.AddService("stubborn", $$"""
            case $1 in
              start) trap "" TERM; sh -c 'trap "" TERM; echo $$ >> {{pids}}; while :; do sleep 0.2; done' & echo $$ >> {{pids}}; while :; do sleep 0.2; done ;;
            esac
            exit 0
            """);
        Put(b, "stubborn", "timeout-kill", "700\n");
        using var d = DaemonProcess.Start(b.Path, ["-k", "0"]); // -k 0: only timeout-kill can end it
        Perp.WaitMainUp(b.Path, "stubborn");
        Perp.WaitLines(pids, _ => true, 2);
        int[] both = Perp.Lines(pids).Select(int.Parse).ToArray();
        Assert.Equal(0, Perp.Command(b.Path, "stubborn", 'd'));
        d.WaitForLine("stop timeout: sending signal SIGKILL to process group of service stubborn (main)");
        Wait.Until(() => both.All(p => !ProcessKiller.IsAlive(p)), "nothing of the group left");
        Perp.WaitStatus(b.Path, "stubborn", s => !s.Main.IsRunning, "stubborn down");
    }

    [Fact]
    public void Down_signal_replaces_TERM_and_reaches_the_whole_group()
    {
        using var b = new TempBase();
        string journal = Path.Combine(b.Scratch, "journal");
        b.AddService("intsvc", $$"""
            case $1 in
              start) trap 'echo main-HUP >> {{journal}}; exit 0' HUP; trap 'echo main-TERM >> {{journal}}' TERM
                     sh -c 'trap "echo child-HUP >> {{journal}}; exit 0" HUP; echo child-trapped >> {{journal}}; while :; do sleep 0.1; done' &
                     while :; do sleep 0.1; done ;;
            esac
            exit 0
            """);
        Put(b, "intsvc", "down-signal", "HUP\n");
        using var d = DaemonProcess.Start(b.Path);
        Perp.WaitMainUp(b.Path, "intsvc");
        // Both traps are set once the child says so (main set its own before starting it).
        Perp.WaitLines(journal, l => l == "child-trapped");
        Assert.Equal(0, Perp.Command(b.Path, "intsvc", 'd'));
        Perp.WaitLines(journal, l => l.EndsWith("-HUP"), 2);
        Assert.DoesNotContain("main-TERM", Perp.Lines(journal));
    }

    [Fact]
    public void Crash_loop_with_restart_backoff_8_is_spaced_1_2_4_8_8_and_resets_after_a_long_run()
    {
        using var b = new TempBase();
        string journal = Path.Combine(b.Scratch, "journal");
        string count = Path.Combine(b.Scratch, "count");
        // Starts 1–6 crash at once; start 7 runs 9 s (longer than the cap); 8 and 9 crash.
        b.AddService("crashy", Scripts.Journal(journal, $$"""
            n=$(( $(cat {{count}} 2>/dev/null || echo 0) + 1 )); echo $n > {{count}}
            [ $n -eq 7 ] && sleep 9
            exit 1
            """));
        Put(b, "crashy", "restart-backoff", "8\n");
        using var d = DaemonProcess.Start(b.Path);
        Perp.WaitLines(journal, l => l.StartsWith("start"), 9, TimeSpan.FromSeconds(90));
        var t = Times(journal, "start");
        var gaps = t.Zip(t.Skip(1), (a, c) => c - a).ToArray();
        double[] expected = [1, 2, 4, 8, 8];
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(gaps[i] - expected[i]) < 0.6, $"gap {i + 1} was {gaps[i]:F2}s, expected {expected[i]}s: {string.Join(", ", gaps.Select(g => g.ToString("F2")))}");
        // After the 9 s run: the next start is immediate and the one after that 1 s later.
        Assert.True(gaps[6] - 9 < 0.6, $"after the long run the restart waited {gaps[6] - 9:F2}s");
        Assert.True(Math.Abs(gaps[7] - 1) < 0.6, $"the delay did not start again at 1 s: {gaps[7]:F2}s");
    }

    [Fact]
    public void Give_up_stops_restarts_until_an_explicit_start()
    {
        using var b = new TempBase();
        string journal = Path.Combine(b.Scratch, "journal");
        b.AddService("flaky", Scripts.Journal(journal, "exit 1"));
        Put(b, "flaky", "give-up", "3 60\n");
        using var d = DaemonProcess.Start(b.Path);
        d.WaitForLine("giving up on service flaky: 3 failed starts within 60 s");
        Perp.WaitStatus(b.Path, "flaky", s => !s.Main.IsRunning && s.Main.Flags.HasFlag(SubserviceFlags.WantDown), "flaky down");
        int starts = Times(journal, "start").Length;
        Assert.Equal(3, starts);
        Thread.Sleep(2500); // the governor would have started it twice more by now
        Assert.Equal(3, Times(journal, "start").Length);
        Assert.Equal(0, Perp.Command(b.Path, "flaky", 'u'));
        Perp.WaitLines(journal, l => l.StartsWith("start"), 4);
    }

    [Fact]
    public void Dependency_chain_starts_in_order_after_readiness_and_stops_dependants_first()
    {
        using var b = new TempBase();
        string journal = Path.Combine(b.Scratch, "journal");
        // Activated in one scan in directory order, b and c before a may exist: no complaint.
        // a becomes ready 2 s after it starts (notification-fd 3); b after 0.5 s up; c needs b.
        b.AddService("a", Scripts.Journal(journal, "sleep 2; echo ready-a t=$(date +%s.%N) >> " + journal + "; echo >&3; exec sleep 100000"));
        Put(b, "a", "notification-fd", "3\n");
        b.AddService("b", Scripts.Journal(journal, "exec sleep 100000"));
        Put(b, "b", "dependencies", "a\n");
        b.AddService("c", Scripts.Journal(journal, "exec sleep 100000"));
        Put(b, "c", "dependencies", "b\n");
        using var d = DaemonProcess.Start(b.Path);
        Perp.WaitLines(journal, l => l.StartsWith("start c"), 1, TimeSpan.FromSeconds(20));
        double readyA = Times(journal, "ready-a").Single();
        double startB = Times(journal, "start b").Single(), startC = Times(journal, "start c").Single();
        Assert.True(startB >= readyA, "b started before a was ready");
        Assert.True(startC > startB, "c started before b");
        d.WaitForLine("service a is ready (notification-fd)");
        d.WaitForLine("service b waits for dependency a");
        Assert.DoesNotContain(d.Lines, l => l.Contains("not an active service"));

        PerpPS.Core.Interop.Libc.Kill(d.Pid, 15);
        Assert.Equal(0, d.WaitForExit(TimeSpan.FromSeconds(30)));
        var resets = Perp.Lines(journal).Where(l => l.StartsWith("reset")).Select(l => l.Split(' ')[1]).ToArray();
        Assert.Equal(["c", "b", "a"], resets);
    }

    [Fact]
    public void A_cycle_and_a_missing_dependency_are_reported_and_never_hang()
    {
        using var b = new TempBase();
        string journal = Path.Combine(b.Scratch, "journal");
        b.AddService("x", Scripts.Sleeper(journal));
        Put(b, "x", "dependencies", "y\n");
        b.AddService("y", Scripts.Sleeper(journal));
        Put(b, "y", "dependencies", "x\n");
        b.AddService("lonely", Scripts.Sleeper(journal));
        Put(b, "lonely", "dependencies", "nosuch\n");
        b.AddService("free", Scripts.Sleeper(journal));
        using var d = DaemonProcess.Start(b.Path);
        Perp.WaitMainUp(b.Path, "free");
        d.WaitForLine("dependency cycle: x -> y -> x; not starting it");
        d.WaitForLine("service lonely: dependency nosuch is not an active service; waiting for it");
        var x = Perp.Status(b.Path, "x");
        Assert.False(x.Main.IsRunning);
        Assert.False(x.Main.Flags.HasFlag(SubserviceFlags.WantDown)); // wants up, waits
        // The missing one appears: lonely starts.
        b.AddService("nosuch", Scripts.Sleeper(journal));
        PerpPS.Core.Interop.Libc.Kill(d.Pid, 1);
        Perp.WaitMainUp(b.Path, "lonely");
        PerpPS.Core.Interop.Libc.Kill(d.Pid, 15);
        Assert.Equal(0, d.WaitForExit(TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public void A_hung_service_whose_check_fails_is_restarted_with_the_exit_code_logged()
    {
        using var b = new TempBase();
        string journal = Path.Combine(b.Scratch, "journal");
        string healthy = Path.Combine(b.Scratch, "healthy");
        File.WriteAllText(healthy, "");
        b.AddService("hung", Scripts.Sleeper(journal));
        TempBase.WriteScript(Path.Combine(b.Service("hung"), "check"), $"[ -e {healthy} ] && exit 0\nexit 3");
        Put(b, "hung", "check-interval", "1\n");
        Put(b, "hung", "check-retries", "2\n");
        using var d = DaemonProcess.Start(b.Path);
        int first = Perp.WaitMainUp(b.Path, "hung");
        d.WaitForLine("service hung is ready (check)");
        File.Delete(healthy); // alive but no longer healthy
        d.WaitForLine("health check of service hung failed 2 times (exit 3): restarting it");
        Perp.WaitLines(journal, l => l.StartsWith("start"), 2);
        Assert.Contains(Perp.Lines(journal), l => l.StartsWith("reset hung signal 15"));
        Assert.NotEqual(first, Perp.WaitMainUp(b.Path, "hung"));
    }

    [Fact]
    public void A_check_that_hangs_is_killed_at_check_timeout()
    {
        using var b = new TempBase();
        string journal = Path.Combine(b.Scratch, "journal");
        b.AddService("slowcheck", Scripts.Sleeper(journal));
        Put(b, "slowcheck", "notification-fd", "4\n");
        File.WriteAllText(Path.Combine(b.Service("slowcheck"), "rc.main"),
            "#!/bin/sh\n" + Scripts.Journal(journal, "echo >&4; exec sleep 100000"));
        TempBase.WriteScript(Path.Combine(b.Service("slowcheck"), "check"), "exec sleep 100");
        Put(b, "slowcheck", "check-interval", "1\n");
        Put(b, "slowcheck", "check-timeout", "1\n");
        Put(b, "slowcheck", "check-retries", "1\n");
        using var d = DaemonProcess.Start(b.Path);
        d.WaitForLine("service slowcheck is ready (notification-fd)");
        d.WaitForLine("health check of service slowcheck failed 1 time (timed out after 1 s): restarting it");
        Perp.WaitLines(journal, l => l.StartsWith("start"), 2);
    }

    [Theory]
    [InlineData("timeout-kill", "soon\n", "policy file timeout-kill: 'soon' must be milliseconds")]
    [InlineData("notification-fd", "-1\n", "policy file notification-fd: '-1' must be a descriptor number from 3 to 1023")]
    [InlineData("notification-fd", "2", "policy file notification-fd: '2' must be a descriptor number from 3 to 1023")]
    [InlineData("notification-fd", "0\r\n", "policy file notification-fd: '0' must be a descriptor number")]
    [InlineData("restart-backoff", "99999999999999999999999\n", "policy file restart-backoff:")]
    public void A_malformed_file_is_logged_once_and_the_default_used(string file, string text, string message)
    {
        using var b = new TempBase();
        string journal = Path.Combine(b.Scratch, "journal");
        b.AddService("odd", Scripts.Journal(journal, "sleep 0.2; exit 1"));
        Put(b, "odd", file, text);
        using var d = DaemonProcess.Start(b.Path);
        Perp.WaitLines(journal, l => l.StartsWith("start"), 3); // read at each start
        Assert.Single(d.Lines, l => l.Contains(message, StringComparison.Ordinal) && l.Contains("service odd:"));
        Assert.False(d.HasExited);
        // The default held: perp's one-second governor, no readiness wait.
        var t = Times(journal, "start");
        Assert.True(t[2] - t[1] < 1.8, $"the restart waited {t[2] - t[1]:F2}s");
    }

    private static ExtendedStatus Extended(string baseDirectory, string name)
    {
        using var c = ControlClient.ConnectToBase(baseDirectory, Perp.ClientTimeout);
        var r = c.QueryExtended(Perp.Id(Path.Combine(baseDirectory, name)));
        Assert.True(r.HasStatus && r.Status.HasExtension, $"no extended status for {name}");
        return r.Status;
    }

    private static PolicyFlags PolicyOf(string baseDirectory, string name) => Extended(baseDirectory, name).Main.Policy;

    [Fact]
    public void Status_and_events_show_readiness_waiting_health_and_give_up()
    {
        using var b = new TempBase();
        string go = Path.Combine(b.Scratch, "go");
        // slow becomes ready (notification-fd) only once the test creates "go".
        b.AddService("slow", $"case $1 in start) while [ ! -e {go} ]; do sleep 0.1; done; echo >&3; exec sleep 100000 ;; esac\nexit 0");
        Put(b, "slow", "notification-fd", "3");
        TempBase.WriteScript(Path.Combine(b.Service("slow"), "check"), "exit 0");
        Put(b, "slow", "check-interval", "1");
        using var d = DaemonProcess.Start(b.Path);
        using var events = EventSubscription.Open(b.Path)!;
        Assert.NotNull(events);
        // Activated after the subscription, so their events are seen.
        b.AddService("needy", Scripts.Forever);
        Put(b, "needy", "dependencies", "slow");
        b.AddService("quitter", "exit 1");
        Put(b, "quitter", "give-up", "2 60");
        PerpPS.Core.Interop.Libc.Kill(d.Pid, 1);
        d.WaitForLine("activated new service: quitter");
        Perp.WaitMainUp(b.Path, "slow");
        var slow = Extended(b.Path, "slow");
        Assert.True(slow.Main.Present.HasFlag(ExtensionFields.Policy));
        Assert.False(slow.Main.Policy.HasFlag(PolicyFlags.Ready)); // up, not ready
        Assert.True(PolicyOf(b.Path, "needy").HasFlag(PolicyFlags.WaitingForDependency));
        Wait.Until(() => PolicyOf(b.Path, "quitter").HasFlag(PolicyFlags.Failed), "quitter Failed");

        File.WriteAllText(go, "");
        Wait.Until(() => PolicyOf(b.Path, "slow").HasFlag(PolicyFlags.Ready), "slow Ready");
        Perp.WaitMainUp(b.Path, "needy");
        Assert.False(PolicyOf(b.Path, "needy").HasFlag(PolicyFlags.WaitingForDependency));
        Wait.Until(() => PolicyOf(b.Path, "slow").HasFlag(PolicyFlags.Healthy), "slow Healthy");

        var kinds = new HashSet<EventKind>();
        Wait.Until(() =>
        {
            while (events.TryRead(out var ev, TimeSpan.FromMilliseconds(50))) kinds.Add(ev.Kind);
            return kinds.IsSupersetOf([EventKind.Ready, EventKind.Healthy, EventKind.WaitingForDependency, EventKind.Failed]);
        }, "Ready, Healthy, WaitingForDependency and Failed events");
        // An explicit start clears Failed.
        Assert.Equal(0, Perp.Command(b.Path, "quitter", 'u'));
        Assert.False(PolicyOf(b.Path, "quitter").HasFlag(PolicyFlags.Failed));
    }

    [Fact]
    public void Perpok_r_is_ok_only_once_the_service_is_ready()
    {
        using var b = new TempBase();
        string go = Path.Combine(b.Scratch, "go");
        b.AddService("late", $"case $1 in start) while [ ! -e {go} ]; do sleep 0.1; done; echo >&3; exec sleep 100000 ;; esac\nexit 0");
        Put(b, "late", "notification-fd", "3");
        b.AddService("plain", Scripts.Forever);
        using var d = DaemonProcess.Start(b.Path);
        Perp.WaitMainUp(b.Path, "late");
        Thread.Sleep(1200); // up for over a second: only readiness is missing
        var notYet = ToolRunner.Run("perpok", "-b", b.Path, "-v", "-r", "late");
        Assert.Equal(1, notYet.ExitCode);
        Assert.Contains("fail: service not ready", notYet.Stderr);
        Assert.Equal(0, ToolRunner.Run("perpok", "-b", b.Path, "late").ExitCode); // without -r: perp's answer
        File.WriteAllText(go, "");
        Wait.Until(() => ToolRunner.Run("perpok", "-b", b.Path, "-r", "late").ExitCode == 0, "perpok -r late");
        Wait.Until(() => ToolRunner.Run("perpok", "-b", b.Path, "-r", "-u", "1", "plain").ExitCode == 0, "perpok -r plain (ready after 0.5 s up)");
    }

    [Fact]
    public void Perpstat_and_its_json_show_the_policy_facts()
    {
        using var b = new TempBase();
        b.AddService("waiter", Scripts.Forever);
        Put(b, "waiter", "dependencies", "absent");
        b.AddService("plain", Scripts.Forever);
        using var d = DaemonProcess.Start(b.Path);
        Perp.WaitMainUp(b.Path, "plain");
        Thread.Sleep(700);
        var text = ToolRunner.Run("perpstat", "-b", b.Path, "waiter", "plain");
        Assert.Equal(0, text.ExitCode);
        Assert.Contains("  main policy: waiting for a dependency", text.Stdout);
        Assert.Single(text.Stdout.Split('\n'), l => l.Contains("main policy:")); // plain, up and ready: no line
        var json = ToolRunner.Run("perpstat", "-b", b.Path, "-j", "plain").Stdout.Trim();
        var policy = System.Text.Json.JsonDocument.Parse(json).RootElement.GetProperty("main").GetProperty("policy");
        Assert.True(policy.GetProperty("ready").GetBoolean());
        Assert.Equal("unknown", policy.GetProperty("health").GetString());
        var waiter = System.Text.Json.JsonDocument.Parse(ToolRunner.Run("perpstat", "-b", b.Path, "-j", "waiter").Stdout.Trim())
            .RootElement.GetProperty("main").GetProperty("policy");
        Assert.True(waiter.GetProperty("waitingForDependency").GetBoolean());
    }

    [Fact]
    public void Perpd_t_gives_services_without_files_a_group_stop_with_SIGKILL()
    {
        using var b = new TempBase();
        string journal = Path.Combine(b.Scratch, "journal");
        b.AddService("deaf", $$"""
            case $1 in
              start) trap "" TERM; echo deaf >> {{journal}}; while :; do sleep 0.1; done ;;
              reset) echo "reset $*" >> {{journal}} ;;
            esac
            exit 0
            """);
        using var d = DaemonProcess.Start(b.Path, ["-t", "400"]);
        int pid = Perp.WaitMainUp(b.Path, "deaf");
        // Only once TERM is ignored does the stop need the SIGKILL (a d before the trap ends it at once).
        Perp.WaitLines(journal, l => l == "deaf");
        Assert.Equal(0, Perp.Command(b.Path, "deaf", 'd'));
        Perp.WaitLines(journal, l => l.Contains("signal 9 SIGKILL"));
        Assert.False(ProcessKiller.IsAlive(pid));
        d.WaitForLine("stop timeout: sending signal SIGKILL to process group of service deaf (main)");
    }
}
