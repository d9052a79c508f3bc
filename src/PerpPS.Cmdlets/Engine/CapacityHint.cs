namespace PerpPS.Cmdlets.Engine;

/// <summary>
/// How many items the last read of a kind had, as the next one's capacity (issue #13): a list
/// of a big base is then one allocation, not a doubling series (at 10,000 services about a
/// megabyte of large-object garbage per Get-PerpService, and so a full collection). The hint
/// is taken only once a list has outgrown a small start, so reading one service after
/// listing 10,000 allocates for one.
/// </summary>
internal sealed class CapacityHint
{
    private const int SmallStart = 16;
    private int _last;

    /// <summary>Before an Add: a full list past the small start grows to the hint at once.</summary>
    public void BeforeAdd<T>(List<T> list)
    {
        if (list.Count == list.Capacity && list.Count >= SmallStart && Volatile.Read(ref _last) > list.Count)
            list.Capacity = Volatile.Read(ref _last);
    }

    /// <summary>The read is done: its size is the next one's hint.</summary>
    public void Done(int count) => Volatile.Write(ref _last, count);
}
