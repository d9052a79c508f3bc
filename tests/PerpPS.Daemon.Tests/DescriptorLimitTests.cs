using System.Diagnostics;

namespace PerpPS.Daemon.Tests;

/// <summary>perpd short of descriptors: a child without a pidfd is still reaped (through SIGCHLD).</summary>
public sealed class DescriptorLimitTests
{
    [Fact]
    public void Child_without_a_pidfd_is_still_reaped_and_restarted()
    {
        // The exact number of descriptors a build needs varies (a JIT build maps its
        // assemblies as it goes), so try limits above the measured need until perpd runs the
        // one service without a pidfd (below the 64-descriptor reserve, or out of them).
        int baseline = BaselineDescriptors();
        for (int limit = baseline + 20; limit <= baseline + 44; limit += 6)
            if (TryWithLimit(limit)) return;
        Assert.Fail($"no limit around {baseline} left perpd without a pidfd");
    }

    private static bool TryWithLimit(int limit)
    {
        using var b = new TempBase();
        string journal = Path.Combine(b.Scratch, "journal");
        b.AddService("one", $$"""
            case $1 in start) echo "start $$" >> {{journal}}; exec sleep 100000 ;; esac
            exit 0
            """);
        string err = Path.Combine(b.Scratch, "err");
        var psi = new ProcessStartInfo("/bin/sh") { UseShellExecute = false };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add($"ulimit -n {limit}; exec \"$0\" {b.Path} 2> {err} > /dev/null < /dev/null");
        psi.ArgumentList.Add(RepoPaths.Program("perpd"));
        psi.Environment.Remove("PERP_BASE");
        using var perpd = Process.Start(psi)!;
        try
        {
            string Log() => File.Exists(err) ? File.ReadAllText(err) : "";
            try
            {
                Wait.Until(() => perpd.HasExited || Log().Contains("activated new service: one") || Log().Contains("pausing on"),
                    "activation", TimeSpan.FromSeconds(5));
            }
            catch (TimeoutException)
            {
                return false;
            }
            if (!Log().Contains("through SIGCHLD"))
                return false;
            var first = Perp.WaitLines(journal, l => l.StartsWith("start "))[0];
            PerpPS.Core.Interop.Libc.Kill(int.Parse(first[6..]), 9);
            Perp.WaitLines(journal, l => l.StartsWith("start "), 2);

            return true;
        }
        finally
        {
            ProcessKiller.Stop(perpd.Id, TimeSpan.FromSeconds(12));
            perpd.WaitForExit(5000);
            ProcessKiller.KillAll(ProcFs.ProcessesOfBase(b.Path));
        }
    }

    /// <summary>How many low descriptors an idle perpd of this build holds, one service aside.</summary>
    private static int BaselineDescriptors()
    {
        // Exercise the paths a JIT build loads assemblies for (scan, spawn, reap, query) first.
        using var b = new TempBase();
        b.AddService("one", Scripts.Forever);
        using var d = DaemonProcess.Start(b.Path);
        int pid = Perp.WaitMainUp(b.Path, "one");
        PerpPS.Core.Interop.Libc.Kill(pid, 9);
        Perp.WaitStatus(b.Path, "one", s => s.Main.IsRunning && s.Main.Pid != (uint)pid && !s.Main.IsResetting, "restart");
        // New descriptors take the lowest free numbers; a stray high one inherited from the
        // test host does not count. Minus the service's directory and pidfd, plus one.
        return Directory.GetFiles($"/proc/{d.Pid}/fd").Count(f => int.Parse(Path.GetFileName(f)) < 200) - 1;
    }
}
