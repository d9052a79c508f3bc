using PerpPS.Core.Protocol;

namespace PerpPS.Tools.Perpls;

/// <summary>The order of perpls's lines: by name, by main uptime (-t), reversed (-r).</summary>
internal static class ListingOrder
{
    /// <summary>Byte-wise, unsigned, as perp's cstr_cmp compares names.</summary>
    public static int ByName(ServiceRow a, ServiceRow b) => a.Name.AsSpan().SequenceCompareTo(b.Name);

    /// <summary>
    /// -t: shortest main "uptime" first, ties by name. The figure is round(now − main when)
    /// for every row with a status, even a main that is down, and 0 for rows without one.
    /// </summary>
    /// <remarks>
    /// Decision: perp 2.07 computes this figure only after sorting, so its -t in effect
    /// sorts by name; PerpPS sorts by the uptime, as perp's manual and our spec describe.
    /// </remarks>
    public static Comparison<ServiceRow> ByUptime(Tai64N now) => (a, b) =>
    {
        int c = MainUptime(a, now).CompareTo(MainUptime(b, now));
        return c != 0 ? c : ByName(a, b);
    };

    public static ulong MainUptime(ServiceRow row, Tai64N now) =>
        row.Kind == RowKind.Status ? Tai64N.RoundedSecondsBetween(now, row.Status.Main.When) : 0;
}
