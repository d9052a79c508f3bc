using PerpPS.Core.Client;
using PerpPS.Core.Interop;
using PerpPS.Core.Protocol;

namespace PerpPS.Reliability.Tests;

/// <summary>
/// perpd at its descriptor limit (issue #11: `prlimit --nofile=64:64` with 100 services):
/// it used to spend every descriptor on activation, so every perpls row was an error, it
/// logged ~257 lines a second and `perpctl d` of a running service got ECONNRESET. Now it
/// keeps serving what it has (perp 2.07: 30 up, 70 error), keeps descriptors in reserve for
/// the control socket and logs one line per change of condition. The services have loggers:
/// perp holds three descriptors for each (directory and both pipe ends), perpd's compact
/// services one (the pipe, read-write), so at least perp's 30 run and log.
/// </summary>
public sealed class DescriptorExhaustionTests(ITestOutputHelper output)
{
    private const int ServiceCount = 100;
    private const int PerpUp = 30;
    private const string Main = "case $1 in start) echo started; exec sleep 100000 ;; esac\nexit 0";
    private const string Logger = "case $1 in start) exec cat >> logged ;; esac\nexit 0";

    [Fact]
    public void At_the_descriptor_limit_perpd_serves_what_it_has_answers_clients_and_stays_quiet()
    {
        Assert.True(File.Exists("/usr/bin/prlimit"), "prlimit (util-linux) is needed for this test");
        using var tb = new TempBase();
        var ids = new List<ServiceId>();
        var directories = new Dictionary<ServiceId, string>();
        for (int i = 0; i < ServiceCount; i++)
        {
            string dir = tb.AddService($"s{i:D3}", Main, Logger);
            ids.Add(Perp.Id(dir));
            directories[ids[^1]] = dir;
        }
        using var daemon = DaemonProcess.StartThrough(["/usr/bin/prlimit", "--nofile=64:64"], tb.Path);
        Wait.Until(() => daemon.Lines.Any(l => l.Contains("activated new service")), "a first activation");
        Wait.Until(() => daemon.Lines.Any(l => l.Contains("wait for activation")), "the activations to reach the reserve");
        Thread.Sleep(1000); // past the first rescan pauses
        int linesBefore = daemon.Lines.Count;

        // Three full perpls-style sweeps, each query on a new connection: every one answered.
        var up = new List<ServiceId>();
        for (int sweep = 0; sweep < 3; sweep++)
        {
            up.Clear();
            int notActive = 0;
            foreach (var id in ids)
            {
                using var c = ControlClient.ConnectToBase(tb.Path, TimeSpan.FromSeconds(5));
                var r = c.Query(id);
                if (r.Kind == ReplyKind.Status && r.Status.Main.IsRunning) up.Add(id);
                else if (r.Kind == ReplyKind.Error && r.Errno == Core.Posix.Errno.ENOTDIR) notActive++;
                else Assert.Fail($"query answered {r.Kind} errno {r.Errno}");
            }
            output.WriteLine($"sweep {sweep}: {up.Count} up, {notActive} not activated");
            Thread.Sleep(500);
        }
        Assert.True(up.Count >= PerpUp, $"only {up.Count} services up at the limit (perp 2.07: {PerpUp})");
        // Each one's pipe carries main's output to its logger.
        foreach (var id in up)
        {
            string logged = Path.Combine(directories[id], "logged");
            Wait.Until(() => File.Exists(logged) && File.ReadAllText(logged).Contains("started"), $"{logged} to hold main's line");
        }

        // `d` of a running service works and takes it down.
        var victim = up[0];
        var reply = Perp.Send(tb.Path, victim, 'd');
        Assert.Equal((ReplyKind.Error, 0), (reply.Kind, reply.Errno));
        Wait.Until(() => Perp.Status(tb.Path, victim).Main is { IsRunning: false, WantsDown: true }, "the service down");

        // Quiet: the 300 queries' connections are perp's "monitoring N" lines; anything else
        // repeated (activation failures at each 0.555 s rescan) would be a storm.
        var other = daemon.Lines.Skip(linesBefore).Where(l => !l.Contains("client connection")).ToList();
        output.WriteLine(string.Join('\n', other));
        Assert.True(other.Count < 10, $"{other.Count} lines logged meanwhile:\n{string.Join('\n', other.Take(20))}");
        Assert.False(daemon.HasExited);
        Assert.Single(daemon.Lines, l => l.Contains("descriptors running low:") && l.Contains("wait for activation"));
    }

    /// <summary>
    /// At 64 descriptors every service is compact (no directory descriptor, the log pipe in
    /// one): its policy files are still read (down-signal INT), its pipe survives a restart of
    /// main, and its logger sees EOF at deactivation (it got a read end, not perpd's read-write one).
    /// </summary>
    [Fact]
    public void A_compact_service_reads_its_policy_keeps_its_pipe_and_its_logger_sees_EOF()
    {
        Assert.True(File.Exists("/usr/bin/prlimit"), "prlimit (util-linux) is needed for this test");
        using var tb = new TempBase();
        const string main = """
            [ "$1" = start ] || exit 0
            trap 'echo got-INT; exit 0' INT
            echo "started $$"
            sleep 100000 &
            wait $!
            """;
        // The logger ignores TERM (cat inherits the ignore): it ends only at EOF.
        const string logger = "[ \"$1\" = start ] || exit 0\ntrap '' TERM\ncat >> logged\necho EOF >> logged\n";
        string dir = tb.AddService("compact", main, logger);
        File.WriteAllText(Path.Combine(dir, "down-signal"), "INT\n");
        string logged = Path.Combine(dir, "logged");
        var id = Perp.Id(dir);
        using var daemon = DaemonProcess.StartThrough(["/usr/bin/prlimit", "--nofile=64:64"], tb.Path, ["-k", "60"]);
        uint first = Perp.WaitMainUp(tb.Path, id);
        Wait.Until(() => File.Exists(logged) && File.ReadAllText(logged).Contains($"started {first}"), "main's first line logged");
        var held = Directory.GetFiles($"/proc/{daemon.DaemonPid}/fd").Select(f => new FileInfo(f).LinkTarget).ToList();
        Assert.DoesNotContain(dir, held); // compact: no directory descriptor kept

        Libc.Kill((int)first, 9);
        Wait.Until(() => Perp.Status(tb.Path, id).Main is { IsRunning: true } m && m.Pid != first, "main restarted");
        uint second = Perp.Status(tb.Path, id).Main.Pid;
        Wait.Until(() => File.ReadAllText(logged).Contains($"started {second}"), "the restarted main's line on the same logger");

        Assert.Equal(0, Perp.Send(tb.Path, id, 'd').Errno);
        Wait.Until(() => File.ReadAllText(logged).Contains("got-INT"), "down-signal INT from the policy file");

        tb.SetActive("compact", false);
        Libc.Kill(daemon.Pid, 1); // rescan: deactivation closes perpd's pipe descriptor
        Wait.Until(() => File.ReadAllText(logged).Contains("EOF"), "the logger to see EOF", TimeSpan.FromSeconds(30));
        Assert.DoesNotContain(daemon.Lines, l => l.Contains("stop timeout"));
    }
}
