using PerpPS.TestSupport;
using Xunit;

namespace PerpPS.Reliability.Tests.Support;

/// <summary>
/// Services whose main writes numbered lines (<c>n 1</c>, <c>n 2</c>, …) to a tinylog in
/// SCRATCH/sNN: a lost line is a missing number, a doubled one a duplicate (crash adoption
/// and upgrade tests). The reset appends its arguments to a file.
/// </summary>
public static class NumberedLines
{
    /// <summary>rc.main: numbered lines every 50 ms; the reset records <c>reset NAME …</c> in <paramref name="resets"/>.</summary>
    public static string MainScript(string resets) =>
        $"if [ \"$1\" = reset ]; then echo \"$*\" >> {resets}; exit 0; fi\n"
        + "exec 2>&1\ni=0\nwhile :; do i=$((i+1)); echo \"n $i\"; sleep 0.05; done\n";

    /// <summary>rc.log: tinylog into SCRATCH/sNN.</summary>
    public static string LogScript(TempBase tb, int i) =>
        $"[ \"$1\" = start ] || exit 0\nexec {RepoPaths.Program("tinylog")} {Path.Combine(tb.Scratch, $"s{i:D2}")}\n";

    /// <summary>Every numbered line in service i's log directory (current and rotated files).</summary>
    public static List<long> Numbers(TempBase tb, int i)
    {
        var numbers = new List<long>();
        string dir = Path.Combine(tb.Scratch, $"s{i:D2}");
        if (!Directory.Exists(dir)) return numbers;
        // Oldest first: rotated files (@TAI64N names sort by time), then current.
        var files = Directory.EnumerateFiles(dir).Where(f => Path.GetFileName(f).StartsWith('@')).Order(StringComparer.Ordinal).ToList();
        if (File.Exists(Path.Combine(dir, "current"))) files.Add(Path.Combine(dir, "current"));
        foreach (string f in files)
        {
            foreach (string line in File.ReadLines(f))
            {
                int n = line.LastIndexOf("n ", StringComparison.Ordinal);
                if (n >= 0 && long.TryParse(line.AsSpan(n + 2), out long v)) numbers.Add(v);
            }
        }
        return numbers;
    }

    public static long Highest(TempBase tb, int i) => Numbers(tb, i) is { Count: > 0 } n ? n.Max() : 0;

    /// <summary>Each number from 1 to the highest is there exactly once (per run of main: numbering restarts at 1 after a restart).</summary>
    /// <param name="mayBeEmpty">A service stopped right after its start may not have written its first line.</param>
    public static void AssertNoLineLost(TempBase tb, int i, bool mayBeEmpty = false)
    {
        var numbers = Numbers(tb, i);
        if (!mayBeEmpty) Assert.NotEmpty(numbers);
        // A restarted main counts from 1 again: split the file order into runs.
        var runs = new List<List<long>> { new() };
        foreach (long n in numbers)
        {
            if (n == 1 && runs[^1].Count > 0) runs.Add(new());
            runs[^1].Add(n);
        }
        foreach (var run in runs)
            for (int k = 0; k < run.Count; k++)
                Assert.True(run[k] == k + 1, $"s{i:D2}: line {k + 1} of a run of {run.Count} is n {run[k]} (lost or doubled)");
    }
}
