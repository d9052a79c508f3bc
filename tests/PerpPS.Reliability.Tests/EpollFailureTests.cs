using PerpPS.Core.Client;
using PerpPS.Core.Interop;

namespace PerpPS.Reliability.Tests;

/// <summary>
/// An epoll_ctl failure (ENOSPC past fs.epoll.max_user_watches, ENOMEM) is handled, never
/// fatal (issue #11): it used to throw out of the loop, so perpd died and orphaned every
/// service. The kernel's own failure is injected with strace's fault injection into exactly
/// the calls that register the first child's pidfd and the first client: perpd's three
/// start-up registrations (eventfd, timerfd, listener) come first.
/// </summary>
public sealed class EpollFailureTests
{
    [SkippableFact]
    public void Epoll_ctl_failure_for_a_child_and_a_client_is_survived()
    {
        Capabilities.RequireProgram("/usr/bin/strace"); // fault injection
        using var tb = new TempBase();
        string journal = Path.Combine(tb.Scratch, "journal");
        var id = Perp.Id(tb.AddService("one", $$"""
            case $1 in start) echo "start $$" >> {{journal}}; exec sleep 100000 ;; esac
            exit 0
            """));
        string[] strace = ["/usr/bin/strace", "-o", "/dev/null", "-e", "trace=epoll_ctl", "-e", "inject=epoll_ctl:error=ENOSPC:when=4..5"];
        using var daemon = DaemonProcess.StartThrough(strace, tb.Path, waitForSocket: false);
        // The 5th registration (this first client) fails: perpd closes it and stays.
        Wait.Until(() => File.Exists(journal), "the first start");
        Wait.Until(() => daemon.Lines.Any(l => l.Contains("watching children through SIGCHLD")),
            "the pidfd registration failure to be logged\n" + string.Join('\n', daemon.Lines));
        Wait.Until(() => Answers(tb.Path), "perpd to answer a query after the failed client registration");
        Assert.Contains(daemon.Lines, l => l.Contains("failure epoll_ctl() for a client connection"));

        // The child whose pidfd could not be registered is still supervised.
        uint first = Perp.WaitMainUp(tb.Path, id);
        Libc.Kill((int)first, 9);
        Wait.Until(() => Perp.Status(tb.Path, id).Main is { IsRunning: true, IsResetting: false } m && m.Pid != first,
            "main restarted after SIGKILL");
        Assert.False(daemon.HasExited, "perpd (under strace) exited");
        Libc.Kill(daemon.DaemonPid, 15);
        Assert.Equal(0, daemon.WaitForExit(TimeSpan.FromSeconds(20)));
    }

    private static bool Answers(string baseDirectory)
    {
        try
        {
            using var c = ControlClient.ConnectToBase(baseDirectory, TimeSpan.FromSeconds(2));
            return c.Query(Perp.Id(Path.Combine(baseDirectory, "one"))).Kind == Core.Protocol.ReplyKind.Status;
        }
        catch (ControlException)
        {
            return false;
        }
    }
}
