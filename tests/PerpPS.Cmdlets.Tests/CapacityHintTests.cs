using PerpPS.Cmdlets.Engine;

namespace PerpPS.Cmdlets.Tests;

/// <summary>Engine/CapacityHint: a list past its small start grows to the last read's size at once; a small read stays small.</summary>
public sealed class CapacityHintTests
{
    [Fact]
    public void A_big_read_after_a_big_one_is_one_growth_and_a_small_read_stays_small()
    {
        var hint = new CapacityHint();
        var first = Fill(hint, 1000);
        Assert.True(first.Capacity >= 1000);
        hint.Done(first.Count);
        var capacities = new HashSet<int>();
        var second = new List<int>();
        for (int i = 0; i < 1000; i++)
        {
            hint.BeforeAdd(second);
            second.Add(i);
            capacities.Add(second.Capacity);
        }
        // The small start (4, 8, 16), then the hint: no 32, 64, ... 1024 series.
        Assert.Equal(new[] { 4, 8, 16, 1000 }, capacities.Order().ToArray());
        var small = Fill(hint, 3);
        Assert.Equal(4, small.Capacity);
    }

    private static List<int> Fill(CapacityHint hint, int n)
    {
        var list = new List<int>();
        for (int i = 0; i < n; i++)
        {
            hint.BeforeAdd(list);
            list.Add(i);
        }
        return list;
    }
}
