using PerpPS.Core.Protocol;

namespace PerpPS.Core.Tests;

public class Tai64NTests
{
    [Fact]
    public void Label_is_unix_seconds_plus_two_to_the_62_plus_10()
    {
        var t = Tai64N.FromUnix(0, 0);
        Assert.Equal((1UL << 62) + 10, t.Label);
        Assert.Equal(1_795_371_002L, Tai64N.FromUnix(1_795_371_002, 5).UnixSeconds);
    }

    [Fact]
    public void Wire_form_is_big_endian_seconds_then_nanoseconds()
    {
        var t = new Tai64N(0x400000006b032fd1UL, 0x0e6448e0u);
        var bytes = new byte[12];
        t.Write(bytes);
        Assert.Equal(Convert.FromHexString("400000006b032fd10e6448e0"), bytes);
        Assert.Equal(t, Tai64N.Read(bytes));
    }

    [Theory]
    [InlineData(10, 0, 10)]
    [InlineData(10, 500_000_000, 10)]   // exactly .5 rounds down (spec edge case 32)
    [InlineData(10, 500_000_001, 11)]
    [InlineData(0, 499_999_999, 0)]
    public void Uptime_rounds_half_down(long seconds, uint nanos, ulong expected)
    {
        var when = Tai64N.FromUnix(1_000_000, 250_000_000);
        var now = when.AddNanoseconds(seconds * 1_000_000_000L + nanos);
        Assert.Equal(expected, Tai64N.RoundedSecondsBetween(now, when));
    }

    [Fact]
    public void Uptime_against_a_never_set_time_is_perps_huge_figure()
    {
        // perpstat's "main: down 4611686020222758916 seconds" for a flag.down service (§16.6).
        var now = Tai64N.FromUnix(1_795_371_002, 100);
        Assert.Equal(4611686020222758916UL, Tai64N.RoundedSecondsBetween(now, Tai64N.Zero));
    }

    [Fact]
    public void Now_is_close_to_the_system_clock()
    {
        long unix = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        Assert.InRange(Tai64N.Now().UnixSeconds, unix - 5, unix + 5);
    }

    [Fact]
    public void Zero_label_has_no_date_and_others_convert()
    {
        Assert.Null(Tai64N.Zero.ToDateTime());
        Assert.Equal(new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc),
            Tai64N.FromUnix(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero).ToUnixTimeSeconds(), 0).ToDateTime());
    }
}
