using PerpPS.Core.Client;
using PerpPS.Reliability.Tests.Support;
using PerpPS.TestSupport;
using Xunit;

namespace PerpPS.Reliability.Tests;

/// <summary>
/// Spawn failures count as start failures (issue #11): a start for which no process can be
/// made (clone fails with EAGAIN at a pids limit) is retried every 0.555 s as perp does, and
/// status counts each attempt as a failed start, as for one that cannot be executed; before,
/// such a service read "start failures 0" while it never ran. The limit is a real one: perpd
/// runs in a cgroup v1 pids group whose pids.max is lowered to what it already has.
/// </summary>
public sealed class SpawnFailureTests
{
    [PidsLimitFact]
    public void A_start_that_cannot_be_spawned_counts_as_a_failed_start()
    {
        using var tb = new TempBase();
        using var pids = PidsLimit.Create();
        var id = Perp.Id(tb.AddService("later", Scripts.Forever, down: true));
        using var daemon = DaemonProcess.StartThrough(["/bin/sh", "-c", $"echo $$ > {pids.Path}/cgroup.procs && exec \"$@\"", "sh"], tb.Path);
        daemon.WaitForLine("activated new service: later");

        try
        {
            pids.Limit(pids.Current); // no further task: perpd's threads are all there
            Assert.Equal(0, Perp.Send(tb.Path, id, 'u').Errno);
            daemon.WaitForLine("failure fork() for service later");
            Wait.Until(() => Extended(tb.Path, id).StartFailures >= 2, "two failed spawns counted as start failures");
        }
        finally
        {
            pids.Limit(null); // perpd must be able to start resets and stop cleanly
        }
        Perp.WaitMainUp(tb.Path, id, TimeSpan.FromSeconds(30));
        Assert.False(daemon.HasExited);
    }

    private static Core.Protocol.SubserviceExtension Extended(string baseDirectory, Core.Protocol.ServiceId id)
    {
        using var c = ControlClient.ConnectToBase(baseDirectory, Perp.ClientTimeout);
        return c.QueryExtended(id, fallback: false).Status.Main;
    }
}
