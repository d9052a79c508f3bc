namespace PerpPS.Runtools.Tests;

/// <summary>
/// A runtool started with its command signals ignored (nohup ignores SIGHUP, a background
/// shell job SIGINT and SIGQUIT; the ignoring survives exec) still obeys them: tinylog
/// rotates on SIGHUP, rundeux stops on SIGINT (Core's SignalDisposition).
/// </summary>
public sealed class IgnoredSignalTests : IDisposable
{
    private readonly TempBase _temp = new();

    public void Dispose() => _temp.Dispose();

    // The tool run by a shell that ignores SIGHUP, SIGINT and SIGQUIT first.
    private static string[] Ignoring(string program, params string[] args) =>
        Bin.Sh("trap '' HUP INT QUIT; exec \"$0\" \"$@\"").Append(Bin.Path(program)).Concat(args).ToArray();

    [Fact]
    public void Tinylog_rotates_on_sighup_it_was_started_with_ignored()
    {
        string dir = Path.Combine(_temp.Scratch, "log");
        var argv = Ignoring("tinylog", dir);
        using var p = Proc.Start(argv[0], argv[1..]);
        p.Write("before hup\n");
        Wait.Until(() => File.Exists(Path.Combine(dir, "current")) && LogDir.Current(dir) == "before hup\n", "first line stored");
        p.Signal(1);
        Thread.Sleep(300); // the signal is taken on the runtime's signal thread: let it land before the next line
        p.Write("after hup\n");
        Wait.Until(() => LogDir.Archives(dir).Count == 1 && LogDir.Current(dir) == "after hup\n", "rotation on the next line");
        p.Signal(15);
        Assert.Equal(0, p.WaitExit());
    }

    [Fact]
    public void Rundeux_stops_on_sigint_it_was_started_with_ignored()
    {
        string log = Path.Combine(_temp.Scratch, "log");
        var argv = Ignoring("rundeux", "/bin/sh", "-c", "echo up; exec sleep 30", "::", Bin.Path("tinylog"), log);
        using var p = Proc.Start(argv[0], argv[1..]);
        Wait.Until(() => File.Exists(Path.Combine(log, "current")) && LogDir.Current(log) == "up\n", "program and logger running");
        p.Signal(2);
        Assert.Equal(0, p.WaitExit());
    }
}
