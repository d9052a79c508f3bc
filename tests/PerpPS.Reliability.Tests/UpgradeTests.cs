using PerpPS.Core.Interop;
using PerpPS.Core.Posix;
using PerpPS.Core.Protocol;
using PerpPS.Reliability.Tests.Support;
using PerpPS.TestSupport;
using Xunit;
using Xunit.Abstractions;

namespace PerpPS.Reliability.Tests;

/// <summary>
/// The in-place upgrade (issue #11): SIGUSR2 makes perpd re-execute its binary in the same
/// process. Every runscript keeps its pid (main and log), perpd keeps its own, a down service
/// stays down, a service killed afterwards is restarted with its exact exit status (still
/// perpd's child), and no numbered line a main writes is lost across the exec.
/// </summary>
public sealed class UpgradeTests(ITestOutputHelper output)
{
    private const int Services = 6;
    private static readonly TimeSpan Long = TimeSpan.FromSeconds(60);

    public static TheoryData<bool> Modes() => Cgroup2.WhyNot() == null ? new() { true, false } : new() { false };

    [Theory]
    [MemberData(nameof(Modes))]
    public void SIGUSR2_re_executes_perpd_keeping_every_pid_and_pipe(bool cgroups)
    {
        using var tb = new TempBase();
        string resets = Path.Combine(tb.Scratch, "resets");
        var env = new Dictionary<string, string?> { ["PERPD_CGROUP"] = cgroups ? null : "off" };
        var ids = new List<ServiceId>();
        for (int i = 0; i < Services; i++)
            ids.Add(Perp.Id(tb.AddService($"s{i:D2}", NumberedLines.MainScript(resets), NumberedLines.LogScript(tb, i))));
        var everyPid = new HashSet<int>();
        using var d = DaemonProcess.Start(tb.Path, environment: env);
        try
        {
            for (int i = 0; i < Services; i++) Perp.WaitMainUp(tb.Path, ids[i], Long);
            Perp.Send(tb.Path, ids[Services - 1], 'd');
            var before = new StatusRecord[Services];
            for (int i = 0; i < Services; i++)
            {
                int k = i;
                before[i] = Perp.WaitStatus(tb.Path, $"s{i:D2}", s => (k < Services - 1 ? s.Main.IsRunning : !s.Main.IsRunning)
                    && s.Log is { IsRunning: true, IsResetting: false }, $"s{k:D2} settled", Long);
                if (before[i].Main.Pid != 0) everyPid.Add((int)before[i].Main.Pid);
                everyPid.Add((int)before[i].Log.Pid);
            }
            int perpd = d.DaemonPid;

            Libc.Kill(perpd, SignalNames.SIGUSR2);
            d.WaitForLine("upgrade: adopting", Long);
            Wait.Until(d.IsAnswering, "the new image to answer", Long);
            Assert.False(d.HasExited);
            Assert.Equal(perpd, d.DaemonPid);
            for (int i = 0; i < Services; i++)
            {
                var st = Perp.Status(tb.Path, ids[i]);
                Assert.Equal(before[i].Main.Pid, st.Main.Pid);
                Assert.Equal(before[i].Log.Pid, st.Log.Pid);
                Assert.Equal(before[i].Main.WantsDown, st.Main.WantsDown);
            }
            static int Adopted(DaemonProcess d) => d.Lines.Count(l => l.Contains("adopted service ", StringComparison.Ordinal));
            Wait.Until(() => Adopted(d) >= Services, "an adoption line per service", Long);
            Assert.Equal(Services, Adopted(d));

            // Still perpd's children: a killed main is restarted and its reset knows how it ended.
            Libc.Kill((int)before[0].Main.Pid, 9);
            var next = Perp.WaitStatus(tb.Path, "s00", s => s.Main is { IsRunning: true, IsResetting: false } m && m.Pid != before[0].Main.Pid,
                "s00 restarted after the upgrade", Long);
            everyPid.Add((int)next.Main.Pid);
            Wait.Until(() => File.Exists(resets) && File.ReadAllLines(resets).Contains("reset s00 signal 9 SIGKILL"), "s00's reset with its status", Long);
            // And the loggers still write what the mains write.
            for (int i = 0; i < Services - 1; i++)
            {
                long h = NumberedLines.Highest(tb, i);
                int k = i;
                Wait.Until(() => NumberedLines.Highest(tb, k) > h + 5, $"s{k:D2}'s logger to write after the upgrade", Long);
            }

            Libc.Kill(perpd, 15);
            Assert.Equal(0, d.WaitForExit(Long));
            Wait.Until(() => !everyPid.Any(ProcessKiller.IsAlive), "every runscript stopped", Long);
            for (int i = 0; i < Services; i++) NumberedLines.AssertNoLineLost(tb, i, mayBeEmpty: i == Services - 1);
        }
        finally
        {
            output.WriteLine(string.Join('\n', d.Lines.Where(l => l.StartsWith("perpd", StringComparison.Ordinal) || l.Contains("perpd[", StringComparison.Ordinal)).Take(200)));
            ProcessKiller.KillAll(everyPid);
            ProcessKiller.KillAll(ProcFs.ProcessesOfBase(tb.Path));
        }
    }
}
