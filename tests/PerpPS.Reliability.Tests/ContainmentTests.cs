using PerpPS.Core.Client;
using PerpPS.Core.Interop;
using PerpPS.Core.Protocol;

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
            string root = Containment(d);
            Assert.StartsWith("cgroup2 ", root);
            // Nothing of the service is left: its cgroup is empty, and status says so.
            string procs = Path.Combine(root["cgroup2 ".Length..], $"sv-{id.Device}-{id.Inode}", "main", "cgroup.procs");
            Wait.Until(() => File.ReadAllText(procs).Length == 0, "the service's cgroup to be empty after perpctl d");
            var main = Extended(tb.Path, id).Main;
            Assert.Equal((ExtensionFields.Cgroup, 0u), (main.Present & ExtensionFields.Cgroup, main.ProcessCount));

            // The same cgroup takes the next start: it runs its script (cgroup.kill would have
            // left the cgroup killing every later child before exec, on Linux 6.18).
            File.Delete(Path.Combine(tb.Scratch, "leaver.gc"));
            Assert.Equal(0, Perp.Send(tb.Path, id, 'u').Errno);
            gc = Grandchild(tb.Scratch, "leaver");
            Assert.True(Perp.Status(tb.Path, id).Main.IsRunning, "main runs again after u");
        }
        finally
        {
            ProcessKiller.KillAll([gc]);
        }
    }

    /// <summary>
    /// The stop timeout (-k) ends with cgroup.kill of the slot's cgroup, not only the
    /// runscript's process group: a setsid grandchild of a start that ignores SIGTERM is gone
    /// while the reset runs (before, it lived until the reset had finished). The removal
    /// completes only when the cgroups are empty (cgroup.events populated 0): by the time the
    /// service has left perpd's table, nothing of it runs and its cgroup is gone.
    /// </summary>
    [CgroupFact]
    public void Stop_timeout_kills_the_cgroup_and_removal_waits_until_it_is_empty()
    {
        using var tb = new TempBase();
        string s = tb.Scratch;
        string main = $$"""
            if [ "$1" = start ]; then
              trap '' TERM
              setsid sleep 100000 &
              echo $! > {{s}}/deaf.gc.tmp; mv {{s}}/deaf.gc.tmp {{s}}/deaf.gc
              while :; do sleep 1; done
            fi
            # The reset: does the grandchild die while it runs? (up to 30 s)
            gc=$(cat {{s}}/deaf.gc); i=0
            while [ $i -lt 300 ]; do
              if ! grep -q '^[^)]*) [^ZX]' /proc/$gc/stat 2>/dev/null; then echo dead > {{s}}/seen; exit 0; fi
              sleep 0.1; i=$((i+1))
            done
            echo alive > {{s}}/seen
            """;
        var id = Perp.Id(tb.AddService("deaf", main));
        using var d = DaemonProcess.Start(tb.Path, ["-k", "1"]);
        Perp.WaitMainUp(tb.Path, id);
        int gc = Grandchild(s, "deaf");
        try
        {
            string root = Containment(d)["cgroup2 ".Length..];
            string svDir = Path.Combine(root, $"sv-{id.Device}-{id.Inode}");
            tb.SetActive("deaf", false);
            Libc.Kill(d.Pid, 1); // rescan: deactivation, SIGTERM ignored, SIGKILL after 1 s
            d.WaitForLine("stop timeout: sending signal SIGKILL to service deaf (main)");
            Wait.Until(() => File.Exists(Path.Combine(s, "seen")), "the reset to look at the grandchild", TimeSpan.FromSeconds(60));
            Assert.Equal("dead", File.ReadAllText(Path.Combine(s, "seen")).Trim());
            Wait.Until(() => Perp.Query(tb.Path, id).Errno == PerpPS.Core.Posix.Errno.ENOTDIR, "the service to leave perpd", TimeSpan.FromSeconds(60));
            Assert.False(ProcessKiller.IsAlive(gc), "the grandchild outlived the service's removal");
            Assert.False(Directory.Exists(svDir), $"{svDir} outlived the service's removal");
        }
        finally
        {
            ProcessKiller.KillAll([gc]);
        }
    }

    /// <summary>
    /// Status carries each sub-service's cgroup figures (issue #11): the processes in its
    /// cgroup and their CPU time, shown by perpstat, perpstat -j and perpmetrics.
    /// </summary>
    [CgroupFact]
    public void Status_reports_the_processes_and_cpu_time_of_each_cgroup()
    {
        using var tb = new TempBase();
        string main = $"""
            [ "$1" = start ] || exit 0
            sleep 100000 &
            setsid sleep 100000 &
            echo $! > {tb.Scratch}/bg
            i=0; while [ $i -lt 20000 ]; do i=$((i+1)); done
            touch {tb.Scratch}/busy
            exec sleep 100000
            """;
        var id = Perp.Id(tb.AddService("busy", main, "[ \"$1\" = start ] || exit 0\nexec cat > /dev/null\n"));
        using var d = DaemonProcess.Start(tb.Path);
        Perp.WaitMainUp(tb.Path, id);
        Wait.Until(() => File.Exists(Path.Combine(tb.Scratch, "busy")), "the start to finish its busy loop");
        try
        {
            var x = Extended(tb.Path, id);
            Assert.Equal(ExtensionFields.Cgroup, x.Main.Present & ExtensionFields.Cgroup);
            Assert.Equal(3u, x.Main.ProcessCount); // the exec'd sleep and the two in the background
            Assert.True(x.Main.CpuMicroseconds > 0, "main's cgroup used no CPU time");
            Assert.Equal(1u, x.Log.ProcessCount);

            var stat = ToolRunner.Run(RepoPaths.Program("perpstat"), "-b", tb.Path, "busy");
            Assert.Matches(@"\n  main usage: 3 processes, cpu \d+\.\d{3} seconds\n   log usage: 1 process, cpu \d+\.\d{3} seconds\n$", stat.Stdout);
            var json = ToolRunner.Run(RepoPaths.Program("perpstat"), "-j", "-b", tb.Path, "busy");
            Assert.Matches("\"main\":\\{[^{]*\"processes\":3,\"cpuSeconds\":[0-9.e-]+", json.Stdout);
            var metrics = ToolRunner.Run(RepoPaths.Program("perpmetrics"), "-b", tb.Path, "busy");
            Assert.Contains("perp_processes{service=\"busy\",sub=\"main\"} 3\n", metrics.Stdout);
            Assert.Contains("perp_processes{service=\"busy\",sub=\"log\"} 1\n", metrics.Stdout);
            Assert.Matches("perp_cpu_seconds_total\\{service=\"busy\",sub=\"main\"\\} [0-9.e-]+\n", metrics.Stdout);
        }
        finally
        {
            Assert.Equal(0, Perp.Send(tb.Path, id, 'd').Errno);
            ProcessKiller.KillAll([int.Parse(File.ReadAllText(Path.Combine(tb.Scratch, "bg")).Trim())]);
        }
    }

    /// <summary>
    /// L flag 0x1 (issue #13): the records leave the cgroup figures out (0, present-bit 0x2
    /// clear) and perpd reads no cgroup file for them; flags 0 and X keep them.
    /// </summary>
    [CgroupFact]
    public void Bulk_status_with_flag_1_leaves_the_cgroup_figures_out()
    {
        using var tb = new TempBase();
        var id = Perp.Id(tb.AddService("pair", "[ \"$1\" = start ] || exit 0\nexec sleep 100000\n",
            "[ \"$1\" = start ] || exit 0\nexec cat > /dev/null\n"));
        using var d = DaemonProcess.Start(tb.Path);
        Perp.WaitMainUp(tb.Path, id);
        Wait.Until(() => Extended(tb.Path, id) is var x && x.Status.Log.IsRunning && x.Log.ProcessCount == 1, "the logger up in its cgroup");
        try
        {
            using var c = ControlClient.ConnectToBase(tb.Path, Perp.ClientTimeout);
            foreach (bool byId in new[] { false, true })
            {
                var without = List(c, id, byId, ListFlags.NoCgroupFigures);
                foreach (var e in new[] { without.Main, without.Log })
                    Assert.Equal((ExtensionFields.None, 0u, 0ul), (e.Present & ExtensionFields.Cgroup, e.ProcessCount, e.CpuMicroseconds));
                Assert.True(without.Status.Main.IsRunning, "the rest of the record is there");
                Assert.Equal(ExtensionFields.Policy, without.Main.Present & ExtensionFields.Policy);

                var with = List(c, id, byId, ListFlags.None);
                foreach (var e in new[] { with.Main, with.Log })
                    Assert.Equal((ExtensionFields.Cgroup, 1u), (e.Present & ExtensionFields.Cgroup, e.ProcessCount));
            }
            Assert.Equal(ExtensionFields.Cgroup, c.QueryExtended(id).Status.Main.Present & ExtensionFields.Cgroup);
            // The tools: perpls's panel asks without them, -j with them.
            Assert.Contains("\"processes\":1,", ToolRunner.Run(RepoPaths.Program("perpls"), "-j", "-b", tb.Path, "pair").Stdout);
        }
        finally
        {
            Assert.Equal(0, Perp.Send(tb.Path, id, 'd').Errno);
        }
    }

    private static ExtendedStatus List(ControlClient c, ServiceId id, bool byId, ListFlags flags)
    {
        if (byId)
        {
            var replies = new List<ExtendedReply>();
            Assert.True(c.TryList([id], replies, flags));
            return Assert.Single(replies).Status;
        }
        var all = new List<ExtendedStatus>();
        Assert.True(c.TryListAll(all, flags));
        return Assert.Single(all);
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
            // Without cgroups there are no cgroup figures: "not available", not 0.
            var x = Extended(tb.Path, id);
            Assert.Equal(ExtensionFields.None, x.Main.Present & ExtensionFields.Cgroup);
            Assert.DoesNotContain(" usage: ", ToolRunner.Run(RepoPaths.Program("perpstat"), "-b", tb.Path, "leaver").Stdout);
            Assert.Contains("\"processes\":null", ToolRunner.Run(RepoPaths.Program("perpstat"), "-j", "-b", tb.Path, "leaver").Stdout);
        }
        finally
        {
            ProcessKiller.KillAll([gc, gc2]);
        }
    }

    private static ExtendedStatus Extended(string baseDirectory, ServiceId id)
    {
        using var c = ControlClient.ConnectToBase(baseDirectory, Perp.ClientTimeout);
        var r = c.QueryExtended(id, fallback: false);
        Assert.True(r.Status.HasExtension, "perpd answered X");
        return r.Status;
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
