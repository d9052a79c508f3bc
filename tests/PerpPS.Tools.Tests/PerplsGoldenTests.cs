using System.Text;
using PerpPS.Core.Posix;
using PerpPS.Core.Protocol;
using PerpPS.Tools.Perpls;
using static PerpPS.Tools.Tests.StatusBuilder;

namespace PerpPS.Tools.Tests;

/// <summary>perpls lines against the transcripts of spec §16, from status records that reproduce them.</summary>
public class PerplsGoldenTests
{
    private static byte[] N(string s) => Encoding.UTF8.GetBytes(s);

    private static string[] Lines(params ServiceRow[] rows) =>
        ListingFormatter.Format(rows, Now, colors: null).Select(l => l.ToString()).ToArray();

    private static ServiceRow Sleeper(StatusRecord s) => ServiceRow.Answered(N("sleeper"), s);

    [Fact]
    public void Listing_of_section_16_2_matches_character_for_character()
    {
        var flapper = ServiceRow.Answered(N("flapper"), Service(Sub(16539, 1)));
        var idle = ServiceRow.NotActivated(N("idle"));
        var sleeper = Sleeper(Service(Sub(16401, 6), Sub(16400, 6)));
        Assert.Equal(
            [
                "[+ +++ ---]  flapper  uptime: 1s/-s  pids: 16539/-",
                "[- --- ---]  idle     (service not activated)",
                "[+ +++ +++]  sleeper  uptime: 6s/6s  pids: 16401/16400",
            ],
            Lines(flapper, idle, sleeper));
    }

    [Fact]
    public void Stat_failure_row_pads_names_and_prints_errno_name_in_brackets()
    {
        var rows = new[]
        {
            Sleeper(Service(Sub(16401, 6), Sub(16400, 6))),
            ServiceRow.Answered(N("flapper"), Service(Sub(16539, 1))),
            ServiceRow.NotActivated(N("idle")),
            ServiceRow.Failed(N("nosuch"), "failure stat() on service directory", Errno.ENOENT),
        };
        Assert.Equal(
            [
                "[+ +++ +++]  sleeper  uptime: 6s/6s  pids: 16401/16400",
                "[+ +++ ---]  flapper  uptime: 1s/-s  pids: 16539/-",
                "[- --- ---]  idle     (service not activated)",
                "[E --- ---]  nosuch   error: failure stat() on service directory [ENOENT]",
            ],
            Lines(rows));
    }

    public static TheoryData<string, StatusRecord> Panels() => new()
    {
        // perpctl d sleeper
        { "[+ ... +++]  sleeper  uptime: -s/25s  pids: -/16400", Service(Sub(0, 0, SubserviceFlags.WantDown | SubserviceFlags.IsReset), Sub(16400, 25)) },
        // perpctl u sleeper; 0.2 s later: younger than half a second shows as wanting up
        { "[+ !.. +++]  sleeper  uptime: -s/27s  pids: -/16400", Service(Sub(17033, 0.2), Sub(16400, 27)) },
        { "[+ +++ +++]  sleeper  uptime: 1s/28s  pids: 17033/16400", Service(Sub(17033, 1.2), Sub(16400, 28)) },
        { "[+ +o+ +++]  sleeper  uptime: 1s/28s  pids: 17033/16400", Service(Sub(17033, 1.2, SubserviceFlags.IsOnce), Sub(16400, 28)) },
        { "[+ +op +++]  sleeper  uptime: 1s/28s  pids: 17033/16400", Service(Sub(17033, 1.2, SubserviceFlags.IsOnce | SubserviceFlags.IsPaused), Sub(16400, 28)) },
        { "[+ ... +++]  sleeper  uptime: -s/32s  pids: -/16400", Service(Sub(0, 0, SubserviceFlags.IsOnce | SubserviceFlags.WantDown | SubserviceFlags.IsReset), Sub(16400, 32)) },
        // log died, restarting
        { "[+ +++ !..]  sleeper  uptime: 9s/-s  pids: 16401/-", Service(Sub(16401, 9), Sub(0, 0.1, SubserviceFlags.IsReset)) },
    };

    [Theory]
    [MemberData(nameof(Panels))]
    public void Sleeper_panels_of_section_16_2(string expected, StatusRecord status) =>
        Assert.Equal([expected], Lines(Sleeper(status)));

    [Fact]
    public void Flapping_service_alternates_between_want_up_and_one_second_up()
    {
        // §16.3: the governor-delayed child is already "the service" (age < 0.5 s), then runs.
        Assert.Equal(["[+ !.. ---]  flapper  uptime: -s/-s  pids: -/-"],
            Lines(ServiceRow.Answered(N("flapper"), Service(Sub(16684, 0.3)))));
        Assert.Equal(["[+ !.. ---]  flapper  uptime: -s/-s  pids: -/-"],
            Lines(ServiceRow.Answered(N("flapper"), Service(Sub(0, 0.2, SubserviceFlags.IsReset)))));
        Assert.Equal(["[+ +++ ---]  flapper  uptime: 1s/-s  pids: 16684/-"],
            Lines(ServiceRow.Answered(N("flapper"), Service(Sub(16684, 0.6)))));
    }

    [Fact]
    public void Exactly_half_a_second_rounds_down_and_still_hides_the_pid()
    {
        Assert.Equal(["[+ !.. ---]  x  uptime: -s/-s  pids: -/-"],
            Lines(ServiceRow.Answered(N("x"), Service(Sub(5, 0.5)))));
        Assert.Equal(["[+ +++ ---]  x  uptime: 1s/-s  pids: 5/-"],
            Lines(ServiceRow.Answered(N("x"), Service(Sub(5, 0.500001)))));
    }

    [Fact]
    public void Resetting_service_shows_r_even_when_young_and_bang_after_down_request()
    {
        // §16.5
        Assert.Equal(["[+ ++r ---]  slowreset  uptime: 1s/-s  pids: 18455/-"],
            Lines(ServiceRow.Answered(N("slowreset"), Service(Sub(18455, 1, SubserviceFlags.IsReset)))));
        Assert.Equal(["[+ !+r ---]  slowreset  uptime: 1s/-s  pids: 18455/-"],
            Lines(ServiceRow.Answered(N("slowreset"), Service(Sub(18455, 1, SubserviceFlags.IsReset | SubserviceFlags.WantDown)))));
        Assert.Equal(["[+ ++r ---]  young  uptime: 0s/-s  pids: 7/-"],
            Lines(ServiceRow.Answered(N("young"), Service(Sub(7, 0.1, SubserviceFlags.IsReset)))));
    }

    [Fact]
    public void Activation_rows_of_section_16_6()
    {
        Assert.Equal(["[+ ... ---]  idle  uptime: -s/-s  pids: -/-"],
            Lines(ServiceRow.Answered(N("idle"), Service(NeverStarted(SubserviceFlags.WantDown), extra: ServiceFlags.Down))));
        Assert.Equal(["[+ +o+ ---]  idle  uptime: 1s/-s  pids: 17744/-"],
            Lines(ServiceRow.Answered(N("idle"), Service(Sub(17744, 1, SubserviceFlags.IsOnce), extra: ServiceFlags.Once))));
        Assert.Equal(["[R !+r ---]  slow2  (service reactivation in progress)"],
            Lines(ServiceRow.Answered(N("slow2"), Service(Sub(9, 1, SubserviceFlags.IsReset | SubserviceFlags.WantDown),
                extra: ServiceFlags.Cull | ServiceFlags.Cycle))));
        Assert.Equal(["[! ... ---]  gone  (service deactivation in progress)"],
            Lines(ServiceRow.Answered(N("gone"), Service(Sub(0, 1, SubserviceFlags.WantDown), extra: ServiceFlags.Cull))));
        Assert.Equal(["[E --- ---]  renamed  error: error reported in status reply [ENOTDIR]"],
            Lines(ServiceRow.Failed(N("renamed"), "error reported in status reply", Errno.ENOTDIR)));
    }

    [Fact]
    public void Names_longer_than_80_bytes_vanish_from_every_line()
    {
        string longName = new('n', 81);
        var lines = Lines(
            ServiceRow.Answered(N("a"), Service(Sub(19986, 1))),
            ServiceRow.NotActivated(N(longName)));
        Assert.Equal(["[+ +++ ---]    uptime: 1s/-s  pids: 19986/-", "[- --- ---]    (service not activated)"], lines);

        string eighty = new('n', 80);
        Assert.Equal("[- --- ---]  a" + new string(' ', 79) + "  (service not activated)",
            Lines(ServiceRow.NotActivated(N("a")), ServiceRow.NotActivated(N(eighty)))[0]);
    }

    [Fact]
    public void Names_are_padded_by_bytes_and_printed_as_raw_bytes()
    {
        byte[] latin1 = [0x63, 0x61, 0x66, 0xe9]; // "caf\xe9": not UTF-8
        var rows = new[] { ServiceRow.NotActivated(latin1), ServiceRow.NotActivated(N("abcdef")) };
        byte[] first = ListingFormatter.Format(rows, Now, null).First().Span.ToArray();
        byte[] expected = [.. "[- --- ---]  "u8, .. latin1, .. "    (service not activated)"u8];
        Assert.Equal(expected, first);
    }

    [Fact]
    public void Uptime_sort_puts_rows_without_status_first_then_youngest_then_name()
    {
        var rows = new List<ServiceRow>
        {
            ServiceRow.Answered(N("old"), Service(Sub(1, 100))),
            ServiceRow.Answered(N("young"), Service(Sub(2, 3))),
            ServiceRow.NotActivated(N("zz-inactive")),
            ServiceRow.Answered(N("b-young"), Service(Sub(3, 3))),
            ServiceRow.Answered(N("never"), Service(NeverStarted(SubserviceFlags.WantDown))),
        };
        rows.Sort(ListingOrder.ByUptime(Now));
        Assert.Equal(["zz-inactive", "b-young", "young", "old", "never"], rows.Select(r => Encoding.UTF8.GetString(r.Name)));
    }

    [Fact]
    public void Name_sort_is_bytewise_unsigned()
    {
        var rows = new List<ServiceRow> { ServiceRow.NotActivated([0xc3, 0xa9]), ServiceRow.NotActivated(N("Z")), ServiceRow.NotActivated(N("a")) };
        rows.Sort(ListingOrder.ByName);
        Assert.Equal(new byte[][] { N("Z"), N("a"), [0xc3, 0xa9] }, rows.Select(r => r.Name));
    }
}
