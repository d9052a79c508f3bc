using PerpPS.Core.Posix;

namespace PerpPS.Core.Tests;

public class ProcStatTests
{
    // Fields 1-22 of proc(5), then more; the command name holds spaces and parentheses.
    private const string Line = "4242 (a) b (c)) S 17 4240 4241 0 -1 4194560 1 2 3 4 5 6 7 8 20 0 1 0 987654321 1000 10 18446744073709551615 1 2\n";

    [Fact]
    public void Fields_are_counted_after_the_last_parenthesis()
    {
        Assert.True(ProcStat.TryParse(4242, Line, out var stat));
        Assert.Equal(new ProcStat(4242, 'S', 17, 4240, 4241, 987654321UL), stat);
        Assert.True(ProcStat.TryParse(4242, System.Text.Encoding.ASCII.GetBytes(Line), out var fromBytes));
        Assert.Equal(stat, fromBytes);
    }

    [Theory]
    [InlineData("")]
    [InlineData("4242 (x")]
    [InlineData("4242 (x) S 17 4240")]
    [InlineData("4242 (x) S 17 4240 -4241 0 -1 1 1 2 3 4 5 6 7 8 20 0 1 0 9 1")]
    [InlineData("4242 (x) S 17 4240 4241 0 -1 1 1 2 3 4 5 6 7 8 20 0 1 0 99999999999999999999999 1")]
    public void A_short_or_malformed_line_is_refused(string text) =>
        Assert.False(ProcStat.TryParse(4242, text, out _));

    [Fact]
    public void The_last_needed_field_may_end_the_line()
    {
        Assert.True(ProcStat.TryParse(7, "7 (x) R 1 7 7 0 -1 1 1 2 3 4 5 6 7 8 20 0 1 0 55\n", out var stat));
        Assert.Equal(55UL, stat.StartTicks);
    }

    [Fact]
    public void This_process_reads_as_itself_and_a_missing_pid_as_false()
    {
        Assert.True(ProcStat.TryRead(Environment.ProcessId, out var self));
        Assert.Equal(Environment.ProcessId, self.Pid);
        Assert.True(self.Parent > 0);
        Assert.False(self.IsZombie);
        Assert.True(self.StartTicks > 0);
        Assert.False(ProcStat.TryRead(int.MaxValue, out _));
        Assert.False(ProcStat.TryRead(0, out _));
    }
}
