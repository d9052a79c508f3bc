using System.Text;
using PerpPS.Core.Policy;
using PerpPS.Core.Posix;

namespace PerpPS.Core.Tests;

/// <summary>The policy files' parsing (defaults on bad input), the backoff schedule, give-up and the dependency graph.</summary>
public sealed class PolicyTests
{
    private static ServicePolicy Read(List<PolicyError> errors, params (string File, string Text)[] files)
    {
        var map = files.ToDictionary(f => f.File, f => Encoding.UTF8.GetBytes(f.Text));
        return ServicePolicy.Read(f => map.TryGetValue(f, out var b) ? b : null, errors);
    }

    [Fact]
    public void Absent_files_give_every_default()
    {
        var errors = new List<PolicyError>();
        var p = Read(errors);
        Assert.Empty(errors);
        Assert.Equal(-1, p.NotificationFd);
        Assert.Empty(p.Dependencies);
        Assert.Equal((10, 5, 3), (p.CheckInterval, p.CheckTimeout, p.CheckRetries));
        Assert.Null(p.TimeoutKillMs);
        Assert.Equal(SignalNames.SIGTERM, p.DownSignal);
        Assert.False(p.HasStopPolicy);
        Assert.Null(p.RestartBackoff);
        Assert.Equal(0, p.GiveUpCount);
    }

    [Theory]
    [InlineData("3\n", 3)]
    [InlineData("5", 5)]          // no final newline
    [InlineData("7\r\n", 7)]      // CRLF
    [InlineData("  9 \n", 9)]
    public void Good_values_are_taken_with_or_without_newline(string text, int fd)
    {
        var errors = new List<PolicyError>();
        Assert.Equal(fd, Read(errors, ("notification-fd", text)).NotificationFd);
        Assert.Empty(errors);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("1")]
    [InlineData("2")]
    [InlineData("-4")]
    [InlineData("four")]
    [InlineData("99999999999999999999")]
    [InlineData("")]
    [InlineData("3 4")]
    public void Bad_notification_fd_is_reported_and_ignored(string text)
    {
        var errors = new List<PolicyError>();
        Assert.Equal(-1, Read(errors, ("notification-fd", text)).NotificationFd);
        var e = Assert.Single(errors);
        Assert.Equal("notification-fd", e.File);
        Assert.Contains("from 3 to 1023", e.Reason);
    }

    [Theory]
    [InlineData("timeout-kill", "soon")]
    [InlineData("timeout-kill", "0")]
    [InlineData("timeout-kill", "18446744073709551616")]
    [InlineData("restart-backoff", "-8")]
    [InlineData("check-interval", "0")]
    [InlineData("check-retries", "many")]
    [InlineData("give-up", "5")]
    [InlineData("give-up", "5 x")]
    [InlineData("down-signal", "BANANA")]
    [InlineData("down-signal", "KILL")]
    public void Malformed_files_get_an_error_naming_the_file_and_the_default(string file, string text)
    {
        var errors = new List<PolicyError>();
        var p = Read(errors, (file, text));
        var e = Assert.Single(errors);
        Assert.Equal(file, e.File);
        Assert.Null(p.TimeoutKillMs);
        Assert.Null(p.RestartBackoff);
        Assert.Equal(10, p.CheckInterval);
        Assert.Equal(3, p.CheckRetries);
        Assert.Equal(0, p.GiveUpCount);
        Assert.Equal(SignalNames.SIGTERM, p.DownSignal);
    }

    [Fact]
    public void Every_file_is_parsed()
    {
        var errors = new List<PolicyError>();
        var p = Read(errors, ("timeout-kill", "2500\n"), ("down-signal", "SIGINT\n"), ("restart-backoff", "8\n"),
            ("give-up", "5 60\n"), ("check-interval", "2"), ("check-timeout", "1"), ("check-retries", "4"),
            ("dependencies", "db\r\n# comment\n\ncache\ndb\n../x\n"));
        Assert.Equal(2500, p.TimeoutKillMs);
        Assert.Equal(SignalNames.SIGINT, p.DownSignal);
        Assert.True(p.HasStopPolicy);
        Assert.Equal(8, p.RestartBackoff);
        Assert.Equal((5, 60), (p.GiveUpCount, p.GiveUpSeconds));
        Assert.Equal((2, 1, 4), (p.CheckInterval, p.CheckTimeout, p.CheckRetries));
        Assert.Equal(["db", "cache"], p.Dependencies);
        Assert.Equal("dependencies", Assert.Single(errors).File); // ../x
    }

    [Fact]
    public void Down_signal_takes_names_with_or_without_SIG_and_numbers()
    {
        var errors = new List<PolicyError>();
        Assert.Equal(SignalNames.SIGQUIT, Read(errors, ("down-signal", "QUIT")).DownSignal);
        Assert.Equal(SignalNames.SIGHUP, Read(errors, ("down-signal", "sighup\n")).DownSignal);
        Assert.Equal(SignalNames.SIGUSR1, Read(errors, ("down-signal", "10")).DownSignal);
        Assert.Empty(errors);
    }

    [Fact]
    public void A_huge_file_is_refused_not_read()
    {
        var errors = new List<PolicyError>();
        var p = Read(errors, ("dependencies", new string('a', ServicePolicy.MaxFileBytes + 1)));
        Assert.Empty(p.Dependencies);
        Assert.Contains("longer than", Assert.Single(errors).Reason);
    }

    [Fact]
    public void Backoff_doubles_to_the_cap_and_resets_after_a_long_run()
    {
        var b = new RestartBackoff();
        const long S = RestartBackoff.Second;
        var seen = new List<long> { b.Interval / S };
        for (int i = 0; i < 5; i++)
        {
            b.RunEnded(S / 10, 8);
            seen.Add(b.Interval / S);
        }
        Assert.Equal([1, 2, 4, 8, 8, 8], seen);
        b.RunEnded(9 * S, 8);
        Assert.Equal(S, b.Interval);
        b.RunEnded(S / 10, 8);
        Assert.Equal(2 * S, b.Interval);
    }

    [Fact]
    public void Without_a_cap_the_interval_is_perps_one_second()
    {
        var b = new RestartBackoff();
        for (int i = 0; i < 5; i++) b.RunEnded(0, null);
        Assert.Equal(RestartBackoff.Second, b.Interval);
    }

    [Fact]
    public void Give_up_counts_failures_inside_the_window_only()
    {
        var w = new GiveUpWindow();
        const long S = RestartBackoff.Second;
        Assert.False(w.Failed(0, 3, 10));
        Assert.False(w.Failed(1 * S, 3, 10));
        Assert.False(w.Failed(20 * S, 3, 10)); // the first two fell out of the window
        Assert.False(w.Failed(21 * S, 3, 10));
        Assert.True(w.Failed(22 * S, 3, 10));
        w.Clear();
        Assert.False(w.Failed(23 * S, 3, 10));
    }

    private static Func<string, IReadOnlyList<string>?> Graph(params (string Name, string[] Deps)[] g)
    {
        var map = g.ToDictionary(x => x.Name, x => (IReadOnlyList<string>)x.Deps);
        return n => map.TryGetValue(n, out var d) ? d : null;
    }

    [Fact]
    public void Start_order_puts_dependencies_first_and_stop_order_dependants_first()
    {
        var deps = Graph(("web", ["app"]), ("app", ["db"]), ("db", []), ("other", []));
        var order = DependencyGraph.StartOrder(["web", "other", "app", "db"], deps, out var cyclic);
        Assert.Empty(cyclic);
        Assert.True(order.IndexOf("db") < order.IndexOf("app") && order.IndexOf("app") < order.IndexOf("web"));
        var stop = DependencyGraph.StopOrder(["db", "app", "web"], deps);
        Assert.Equal(["web", "app", "db"], stop);
        Assert.Equal(["app"], DependencyGraph.DependantsOf("db", ["web", "app", "db"], deps));
    }

    [Fact]
    public void Cycles_are_found_and_named()
    {
        var deps = Graph(("a", ["b"]), ("b", ["c"]), ("c", ["a"]), ("d", ["a"]), ("self", ["self"]));
        Assert.Equal(["a", "b", "c", "a"], DependencyGraph.CycleThrough("a", deps));
        Assert.Null(DependencyGraph.CycleThrough("d", deps)); // depends on a cycle, is not in one
        Assert.Equal(["self", "self"], DependencyGraph.CycleThrough("self", deps));
        DependencyGraph.StartOrder(["d", "a", "b", "c"], deps, out var cyclic);
        Assert.Equal(["a", "b", "c"], cyclic.Order().ToList());
        Assert.Null(DependencyGraph.CycleThrough("x", Graph(("x", ["missing"]))));
    }
}
