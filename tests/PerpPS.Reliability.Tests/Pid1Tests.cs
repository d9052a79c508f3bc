using PerpPS.Core.Interop;

namespace PerpPS.Reliability.Tests;

/// <summary>
/// perpd as PID 1 of its own pid namespace, the container case (issue #11): every orphan below
/// it is re-parented to it, and it used to leave them all zombies. It now reaps every child that
/// is not a supervised one (and those through their slot, with their real status), shuts down
/// cleanly on SIGTERM and exits 0. <c>-r</c> gives the same outside a namespace (a subreaper).
/// </summary>
public sealed class Pid1Tests
{
    private const int Orphans = 20;

    [SkippableTheory]
    [InlineData(true)]
    [InlineData(false)]
    public void Orphans_are_reaped_and_nothing_stays_a_zombie(bool asPid1)
    {
        if (asPid1) Capabilities.RequirePidNamespace(); // -s (a subreaper) needs nothing
        using var tb = new TempBase();
        string journal = Path.Combine(tb.Scratch, "journal");
        // Each `sh -c 'sleep 0.1 &'` exits at once, so its sleep is orphaned to perpd.
        var id = Perp.Id(tb.AddService("orphaner", $$"""
            [ "$1" = start ] || exit 0
            i=0
            while [ $i -lt {{Orphans}} ]; do i=$((i+1)); sh -c 'sleep 0.1 &'; echo $i >> {{journal}}; sleep 0.05; done
            echo done >> {{journal}}
            exec sleep 100000
            """));
        string[] launcher = asPid1 ? ["/usr/bin/unshare", "-pf", "--mount-proc"] : [];
        using var daemon = asPid1
            ? DaemonProcess.StartThrough(launcher, tb.Path)
            : DaemonProcess.Start(tb.Path, ["-s"]);
        int perpd = daemon.DaemonPid;
        Wait.Until(() => File.Exists(journal) && File.ReadAllText(journal).Contains("done"), "the orphans to be made");
        Wait.Until(() => ProcFs.ZombieChildren(perpd).Count == 0 && ProcFs.ChildrenOf(perpd, includeZombies: true).Count == 1,
            $"perpd ({perpd}) to have reaped every orphan: children {string.Join(',', ProcFs.ChildrenOf(perpd, includeZombies: true))}");
        Assert.Contains(daemon.Lines, l => l.Contains(asPid1 ? "running as PID 1: reaping orphans" : "child subreaper: reaping orphans"));

        // The supervised child is still perpd's to reap, with its status.
        Perp.WaitMainUp(tb.Path, id);
        Libc.Kill(perpd, 15);
        Assert.Equal(0, daemon.WaitForExit(TimeSpan.FromSeconds(20)));
        Assert.Contains(daemon.Lines, l => l.EndsWith("termination complete", StringComparison.Ordinal));
    }
}
