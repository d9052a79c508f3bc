using PerpPS.Core.Interop;

namespace PerpPS.Reliability.Tests;

/// <summary>
/// Nothing a service starts outlives its stop (issue #11 item 1): with cgroup2 every
/// runscript runs in its service's cgroup and a stop ends with cgroup.kill, setsid
/// grandchildren included; without it, perpd is the subreaper of what its runscripts leave.
/// </summary>
public sealed class ContainmentTests
{
    /// <summary>rc.main whose start leaves a grandchild behind (its pid in SCRATCH/NAME.gc), then runs sleep.</summary>
    private static string Leaver(string scratch, string name, bool setsid) => $"""
        [ "$1" = start ] || exit 0
        {(setsid ? "setsid " : "")}sleep 100000 &
        echo $! > {scratch}/{name}.gc.tmp; mv {scratch}/{name}.gc.tmp {scratch}/{name}.gc
        exec sleep 100000
        """;

    private static int Grandchild(string scratch, string name)
    {
        string path = Path.Combine(scratch, name + ".gc");
        Wait.Until(() => File.Exists(path), "the runscript to leave its grandchild behind");
        return int.Parse(File.ReadAllText(path).Trim());
    }

    private static string Containment(DaemonProcess d)
    {
        string line = d.WaitForLine("containment: ");
        return line[(line.IndexOf("containment: ", StringComparison.Ordinal) + "containment: ".Length)..];
    }

    [CgroupFact]
    public void Perpctl_d_kills_a_setsid_grandchild()
    {
        using var tb = new TempBase();
        var id = Perp.Id(tb.AddService("leaver", Leaver(tb.Scratch, "leaver", setsid: true)));
        using var d = DaemonProcess.Start(tb.Path);
        Perp.WaitMainUp(tb.Path, id);
        int gc = Grandchild(tb.Scratch, "leaver");
        try
        {
            Assert.True(ProcessKiller.IsAlive(gc), "the grandchild runs");
            string cgroup = File.ReadAllText($"/proc/{gc}/cgroup");
            // Its own session: perpctl -g d would miss it as well.
            Assert.Equal(0, Perp.Send(tb.Path, id, 'd').Errno);
            Wait.Until(() => !ProcessKiller.IsAlive(gc), "the setsid grandchild to be killed by perpctl d");
            Assert.Contains($"/sv-{id.Device}-{id.Inode}/main", cgroup);
            Assert.StartsWith("cgroup2 ", Containment(d));
        }
        finally
        {
            ProcessKiller.KillAll([gc]);
        }
    }

    [CgroupFact]
    public void Shutdown_leaves_no_process_and_no_cgroup_behind()
    {
        using var tb = new TempBase();
        var a = Perp.Id(tb.AddService("plain", Leaver(tb.Scratch, "plain", setsid: false)));
        var b = Perp.Id(tb.AddService("detached", Leaver(tb.Scratch, "detached", setsid: true)));
        using var d = DaemonProcess.Start(tb.Path);
        Perp.WaitMainUp(tb.Path, a);
        Perp.WaitMainUp(tb.Path, b);
        int[] gcs = [Grandchild(tb.Scratch, "plain"), Grandchild(tb.Scratch, "detached")];
        try
        {
            Libc.Kill(d.Pid, 15);
            Assert.Equal(0, d.WaitForExit(TimeSpan.FromSeconds(30)));
            Wait.Until(() => gcs.All(p => !ProcessKiller.IsAlive(p)), "every grandchild gone after shutdown");
            string root = Containment(d)["cgroup2 ".Length..];
            Assert.False(Directory.Exists(root), $"{root} removed at shutdown");
        }
        finally
        {
            ProcessKiller.KillAll(gcs);
        }
    }

    [Fact]
    public void Without_cgroups_perpd_reaps_orphans_and_kills_the_stopped_services_session()
    {
        using var tb = new TempBase();
        var id = Perp.Id(tb.AddService("leaver", Leaver(tb.Scratch, "leaver", setsid: false)));
        using var d = DaemonProcess.Start(tb.Path, environment: new Dictionary<string, string?> { ["PERPD_CGROUP"] = "off" });
        int main = (int)Perp.WaitMainUp(tb.Path, id);
        int gc = Grandchild(tb.Scratch, "leaver");
        File.Delete(Path.Combine(tb.Scratch, "leaver.gc"));
        int gc2 = -1;
        try
        {
            // The start's shell exec'd sleep, so the grandchild's parent is that sleep: killed,
            // it leaves an orphan, which comes back to perpd (its subreaper), not to init.
            Libc.Kill(main, 9);
            Wait.Until(() => ParentOf(gc) == d.Pid, "the orphan to be reparented to perpd");
            // perpd reaps it when it dies: no zombie stays.
            Libc.Kill(gc, 9);
            Wait.Until(() => !File.Exists($"/proc/{gc}/stat"), "perpd to reap the orphan");

            // The restarted start leaves another; perpctl d kills the rest of its session.
            Perp.WaitMainUp(tb.Path, id);
            gc2 = Grandchild(tb.Scratch, "leaver");
            Assert.Equal(0, Perp.Send(tb.Path, id, 'd').Errno);
            Wait.Until(() => !ProcessKiller.IsAlive(gc2), "the grandchild in the stopped start's session to be killed");
            Assert.StartsWith("process groups and subreaper", Containment(d));
        }
        finally
        {
            ProcessKiller.KillAll([gc, gc2]);
        }
    }

    private static int ParentOf(int pid)
    {
        try
        {
            string stat = File.ReadAllText($"/proc/{pid}/stat");
            return int.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[1]);
        }
        catch (IOException) { return -1; }
    }
}
