using System.Globalization;
using PerpPS.Tools.Io;
using PerpPS.Tools.Perpstat;

namespace PerpPS.Tools.Tests;

/// <summary>perpstat's usage line formats CPU seconds in integers: the same text as double's "0.000".</summary>
public sealed class UsageReportTests
{
    [Fact]
    public void Milliseconds_text_is_the_text_of_the_double_format()
    {
        var values = new List<ulong> { 0, 1, 499, 500, 501, 999, 1000, 1499, 1500, 2500, 9_999_499, 9_999_500, 123_456_789, 999_999_999_999_499, 999_999_999_999_999, 1_000_000_000_000_000, ulong.MaxValue >> 12 };
        for (ulong us = 999_999_999_000_000; us < 999_999_999_999_999; us += 9_999_983) values.Add(us);
        for (ulong us = 0; us < 200_000; us += 7) values.Add(us);
        var random = new Random(13);
        for (int i = 0; i < 20_000; i++) values.Add((ulong)random.NextInt64(0, 1L << 40));
        foreach (ulong us in values)
        {
            string expected = (us / 1e6).ToString("0.000", CultureInfo.InvariantCulture);
            Assert.Equal(expected, UsageReport.Milliseconds(new Line(), us).ToString());
        }
    }
}
