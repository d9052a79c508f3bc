using PerpPS.Core.Client;
using PerpPS.Core.Protocol;
using PerpPS.Reliability.Tests.Support;
using PerpPS.TestSupport;
using Xunit;
using Xunit.Abstractions;

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
}
