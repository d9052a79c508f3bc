namespace PerpBench;

/// <summary>Order statistics of a sample (nearest-rank), for latency figures.</summary>
public static class Stats
{
    public static double Percentile(IReadOnlyList<double> sample, double p)
    {
        if (sample.Count == 0) return double.NaN;
        var sorted = sample.ToArray();
        Array.Sort(sorted);
        int rank = (int)Math.Ceiling(p / 100.0 * sorted.Length);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Length - 1)];
    }
}
