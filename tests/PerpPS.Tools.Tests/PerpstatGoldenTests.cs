using System.Text;
using PerpPS.Core.Protocol;
using PerpPS.Tools.Perpstat;
using static PerpPS.Tools.Tests.StatusBuilder;

namespace PerpPS.Tools.Tests;

/// <summary>perpstat's report against the transcripts of spec §16.</summary>
public class PerpstatGoldenTests
{
    private static string[] Report(string name, StatusRecord status) =>
        StatusReport.Format(Encoding.UTF8.GetBytes(name), status, Now).Select(l => l.ToString()).ToArray();

    [Fact]
    public void Sleeper_and_flapper_of_section_16_2()
    {
        Assert.Equal(["sleeper: activated 6 seconds", "  main: up 6 seconds (pid 16401)", "   log: up 6 seconds (pid 16400)"],
            Report("sleeper", Service(Sub(16401, 6), Sub(16400, 6))));
        Assert.Equal(["flapper: activated 6 seconds", "  main: up 1 seconds (pid 16539)", "   log: (no log)"],
            Report("flapper", Service(Sub(16539, 1))));
    }

    [Fact]
    public void Down_once_and_paused_states()
    {
        Assert.Equal("  main: down 0 seconds",
            Report("s", Service(Sub(0, 0.2, SubserviceFlags.WantDown | SubserviceFlags.IsReset), Sub(1, 25)))[1]);
        Assert.Equal("  main: up 1 seconds (pid 17033), paused, flagged once",
            Report("s", Service(Sub(17033, 1, SubserviceFlags.IsOnce | SubserviceFlags.IsPaused), Sub(1, 28)))[1]);
        Assert.Equal("  main: down 0 seconds, flagged once",
            Report("s", Service(Sub(0, 0, SubserviceFlags.IsOnce | SubserviceFlags.WantDown | SubserviceFlags.IsReset)))[1]);
        Assert.Equal("  main: down 3 seconds, want up!",
            Report("s", Service(Sub(0, 3, SubserviceFlags.IsReset)))[1]);
    }

    [Fact]
    public void Young_process_is_shown_as_wanting_up_and_resetting_is_not()
    {
        Assert.Equal("  main: down, want up!", Report("flapper", Service(Sub(16684, 0.3)))[1]);
        Assert.Equal("  main: down, want up!, flagged once", Report("f", Service(Sub(1, 0.3, SubserviceFlags.IsOnce)))[1]);
        Assert.Equal("  main: resetting 1 seconds (pid 18455)", Report("slowreset", Service(Sub(18455, 1, SubserviceFlags.IsReset)))[1]);
    }

    [Fact]
    public void Never_started_main_reports_perps_zero_tain_figure()
    {
        // §16.6: flag.down service, `when` all zeros.
        Assert.Equal("  main: down 4611686020222758916 seconds",
            Report("idle", Service(NeverStarted(SubserviceFlags.WantDown), extra: ServiceFlags.Down))[1]);
    }

    [Fact]
    public void Deactivation_and_reactivation_are_appended_to_the_first_line()
    {
        Assert.Equal("slow2: activated 2 seconds, deactivation in progress, flagged for reactivation",
            Report("slow2", Service(Sub(9, 1, SubserviceFlags.IsReset), activated: 2, extra: ServiceFlags.Cull | ServiceFlags.Cycle))[0]);
        Assert.Equal("gone: activated 2 seconds, deactivation in progress",
            Report("gone", Service(Sub(0, 1, SubserviceFlags.WantDown), activated: 2, extra: ServiceFlags.Cull))[0]);
    }

    [Fact]
    public void Log_line_has_the_same_states()
    {
        Assert.Equal("   log: down 2 seconds, want up!", Report("s", Service(Sub(1, 9), Sub(0, 2, SubserviceFlags.IsReset)))[2]);
        Assert.Equal("   log: up 9 seconds (pid 4), paused", Report("s", Service(Sub(1, 9), Sub(4, 9, SubserviceFlags.IsPaused)))[2]);
    }
}
