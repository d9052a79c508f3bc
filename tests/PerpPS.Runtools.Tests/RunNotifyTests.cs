using System.Globalization;
using PerpPS.Core.Posix;
using PerpPS.Runtools.Tests.Support;
using PerpPS.TestSupport;
using Xunit;

namespace PerpPS.Runtools.Tests;

/// <summary>
/// runnotify: sd_notify's READY=1 becomes a newline on the notification fd (here a file the
/// test gives as fd 3), the program keeps runnotify's pid, the listener obeys the sender's
/// uid, answers barriers, warns once about STOPPING=1 and MAINPID=, and leaves with the program.
/// Real senders: systemd-notify when installed, else python3 on the same socket.
/// </summary>
public sealed class RunNotifyTests : IDisposable
{
    /// <summary>The sender: its arguments (NAME=VALUE) as one notification.</summary>
    private const string NotifyScript =
        "#!/bin/sh\nif command -v systemd-notify >/dev/null 2>&1; then exec systemd-notify \"$@\"; fi\n" +
        "exec python3 -c 'import os, socket, sys\na = os.environ[\"NOTIFY_SOCKET\"]\n" +
        "s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)\n" +
        "s.sendto(\"\\n\".join(sys.argv[1:]).encode(), \"\\0\" + a[1:] if a[0] == \"@\" else a)' \"$@\"\n";

    private readonly TempBase _temp = new();
    private readonly string _notify;

    public RunNotifyTests()
    {
        // Readable by nobody too (one test sends as another user).
        File.SetUnixFileMode(_temp.Root, (UnixFileMode)0b111_101_101);
        File.SetUnixFileMode(_temp.Scratch, (UnixFileMode)0b111_101_101);
        _notify = Scratch("notify");
        TempBase.WriteScript(_notify, NotifyScript);
    }

    public void Dispose() => _temp.Dispose();

    private string Scratch(string name) => Path.Combine(_temp.Scratch, name);

    private static string ReadOrEmpty(string path) => File.Exists(path) ? File.ReadAllText(path) : "";

    /// <summary>Starts <c>runnotify -d 3 sh -c SCRIPT</c> with fd 3 on <paramref name="ready"/>; the outer shell prints its pid first.</summary>
    private static Proc Start(string ready, string script) =>
        Proc.Start("/bin/sh", ["-c", $"exec 3>{ready}; echo outer=$$; exec runnotify -d 3 /bin/sh -c '{script}'"]);

    /// <summary>Pids of runnotify listeners started for main pid <paramref name="main"/>.</summary>
    private static List<int> Listeners(int main)
    {
        var found = new List<int>();
        foreach (string dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out int pid)) continue;
            if (ProcFs.CommandLine(pid).EndsWith($" runnotify-listener {main} /bin/sh", StringComparison.Ordinal)) found.Add(pid);
        }
        return found;
    }

    [Fact]
    public void Ready_1_is_a_newline_on_the_notification_fd_and_the_program_keeps_runnotifys_pid_without_its_fds()
    {
        string ready = Scratch("ready"), go = Scratch("go");
        using var p = Start(ready,
            "echo inner=$$ socket=$NOTIFY_SOCKET; [ -e /proc/$$/fd/3 ] && echo fd3=open || echo fd3=closed\n" +
            "echo sockets=$(ls -l /proc/$$/fd | grep -c socket:)\n" +
            $"while [ ! -e {go} ]; do sleep 0.05; done\n{_notify} READY=1; echo notified=$?\n" +
            $"while [ ! -s {ready} ]; do sleep 0.05; done\n");
        p.WaitForStdout("sockets=");
        string[] lines = p.Stdout.Split('\n');
        string outer = lines[0]["outer=".Length..];
        Assert.StartsWith($"inner={outer} socket=@", lines[1]);
        // Neither the notification fd nor the socket is left to the program.
        Assert.Equal("fd3=closed", lines[2]);
        Assert.Equal("sockets=0", lines[3]);
        // The listener: not the program's child, in a session of its own.
        int main = int.Parse(outer, CultureInfo.InvariantCulture);
        int listener = Listeners(main).Single();
        Assert.True(ProcStat.TryRead(listener, out var stat));
        Assert.NotEqual(main, stat.Parent);
        Assert.Equal(listener, stat.Session);
        Assert.Equal("", ReadOrEmpty(ready));

        File.WriteAllText(go, "");
        Assert.Equal(0, p.WaitExit());
        Assert.Equal("\n", File.ReadAllText(ready));
        // systemd-notify waits for a barrier answer: closing its descriptor gives one.
        Assert.Contains("notified=0\n", p.Stdout);
        Wait.Until(() => Listeners(main).Count == 0, "the listener to leave with the program");
        Assert.DoesNotContain("warning", p.Stderr);
    }

    [Fact]
    public void Notifications_of_another_user_are_ignored_stopping_and_mainpid_are_said_once()
    {
        Assert.True(Environment.UserName == "root", "sending as another user (runuid nobody) needs root: run the suite as root");
        string ready = Scratch("ready");
        using var p = Start(ready,
            $"runuid nobody {_notify} READY=1\n" +
            $"while [ ! -e {Scratch("go")} ]; do sleep 0.05; done\n" +
            $"{_notify} MAINPID=1 STATUS=serving; {_notify} STOPPING=1; {_notify} STOPPING=1; {_notify} READY=1\n" +
            $"while [ ! -s {ready} ]; do sleep 0.05; done\n");
        p.WaitForStderr("not the service's user: ignored");
        Assert.Contains("of uid 65534, not the service's user: ignored", p.Stderr);
        Assert.Equal("", ReadOrEmpty(ready));
        File.WriteAllText(Scratch("go"), "");
        Assert.Equal(0, p.WaitExit());
        Assert.Equal("\n", File.ReadAllText(ready));
        string outer = p.Stdout.Split('\n')[0]["outer=".Length..];
        string[] warnings = p.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Single(warnings, w => w == $"runnotify: /bin/sh (pid {outer}) is stopping (STOPPING=1)");
        Assert.Single(warnings, w => w == $"runnotify: warning: MAINPID=1 ignored: perpd supervises pid {outer}, the program runnotify started");
    }

    [Fact]
    public void The_fd_comes_from_d_or_the_service_directorys_notification_fd_and_bad_ones_are_errors()
    {
        var none = Bin.Run("runnotify", ["/bin/true"], cwd: _temp.Scratch);
        Assert.Equal(100, none.ExitCode);
        Assert.StartsWith("runnotify: usage error: no notification fd: give -d fd", none.Stderr);
        var low = Bin.Run("runnotify", "-d", "2", "/bin/true");
        Assert.Equal(100, low.ExitCode);
        Assert.StartsWith("runnotify: usage error: notification fd '2' must be a number from 3 to 1023\n", low.Stderr);
        var closed = Bin.Run("runnotify", "-d", "9", "/bin/true");
        Assert.Equal(111, closed.ExitCode);
        Assert.Equal("runnotify: fatal: unable to use notification fd 9: file descriptor not open (EBADF)\n", closed.Stderr);
        var missing = Bin.Run("/bin/sh", "-c", "exec runnotify -d 3 /no/such/program 3>/dev/null");
        Assert.Equal(111, missing.ExitCode);
        Assert.Equal("runnotify: fatal: unable to run /no/such/program: file does not exist (ENOENT)\n", missing.Stderr);

        // In a service directory (rc.main's cwd), ./notification-fd names the fd.
        string service = Scratch("svc");
        Directory.CreateDirectory(service);
        File.WriteAllText(Path.Combine(service, "notification-fd"), "4\n");
        string ready = Scratch("ready4");
        var r = Bin.Run("/bin/sh", ["-c", $"exec 4>{ready}; exec runnotify /bin/sh -c '{_notify} READY=1; while [ ! -s {ready} ]; do sleep 0.05; done'"], cwd: service);
        Assert.Equal(0, r.ExitCode);
        Assert.Equal("\n", File.ReadAllText(ready));
    }
}
