using System.Globalization;
using PerpPS.Core.Protocol;
using PerpPS.TestSupport;

namespace PerpPS.Reliability.Tests.Support;

/// <summary>
/// The set-up the logger-kill tests share (issue #11): a fresh base with one service,
/// <c>numbers</c>, whose rc.main writes numbered lines into the log pipe, one echo each,
/// with a pause of 50 ms every 100 lines, and the logger under test as rc.log; perpd runs
/// on it. <see cref="Count"/> says which numbers reached the logger's files.
/// </summary>
public sealed class NumberedLogService : IDisposable
{
    private readonly string _done, _stop, _total;

    /// <param name="lines">How many lines main writes; with <paramref name="untilStopped"/>, at least that many, until <see cref="Stop"/>.</param>
    /// <param name="rcLog">The logger's rc.log body, given the scratch directory.</param>
    /// <param name="untilStopped">Main goes on past <paramref name="lines"/> until <see cref="Stop"/> is called.</param>
    public NumberedLogService(int lines, Func<string, string> rcLog, bool untilStopped = false)
    {
        Base = new TempBase();
        _done = Path.Combine(Base.Scratch, "done");
        _stop = Path.Combine(Base.Scratch, "stop");
        _total = Path.Combine(Base.Scratch, "total");
        // The number of lines written goes to SCRATCH/total before the done flag.
        string more = untilStopped ? $"|| [ ! -e {_stop} ]" : "";
        string main = $$"""
            [ "$1" = start ] || exit 0
            i=0
            while [ $i -lt {{lines}} ] {{more}}; do
              i=$((i+1))
              echo $i
              case $i in *00) sleep 0.05 ;; esac
            done
            echo $i > {{_total}}.tmp; mv {{_total}}.tmp {{_total}}
            touch {{_done}}
            exec sleep 100000
            """;
        Id = Perp.Id(Base.AddService("numbers", main, rcLog(Base.Scratch)));
        Daemon = DaemonProcess.Start(Base.Path);
    }

    public TempBase Base { get; }
    public ServiceId Id { get; }
    public DaemonProcess Daemon { get; }

    /// <summary>True until main has written its last line.</summary>
    public bool Writing => !File.Exists(_done);

    /// <summary>Lets main end once it has written its minimum (untilStopped).</summary>
    public void Stop() => File.WriteAllText(_stop, "");

    /// <summary>How many lines main wrote (once it is done).</summary>
    public int Total => int.Parse(File.ReadAllText(_total).Trim(), CultureInfo.InvariantCulture);

    /// <summary>The service's status now.</summary>
    public StatusRecord Status() => Perp.Status(Base.Path, Id);

    /// <summary>Counts the numbers 1..<paramref name="total"/> in the lines of <paramref name="files"/>.</summary>
    public static LineCount Count(IEnumerable<string> files, int total)
    {
        var seen = new int[total + 1];
        int other = 0;
        foreach (string file in files)
            foreach (string line in File.ReadLines(file))
                if (int.TryParse(line, NumberStyles.None, CultureInfo.InvariantCulture, out int v) && v >= 1 && v <= total) seen[v]++;
                else other++;
        return new LineCount(seen, other);
    }

    public void Dispose()
    {
        Daemon.Dispose();
        Base.Dispose();
    }
}

/// <summary>How often each number arrived, and the lines that were not numbers at all (torn or foreign).</summary>
public sealed class LineCount(int[] seen, int other)
{
    public int Other { get; } = other;

    /// <summary>Numbers that never arrived, in order.</summary>
    public List<int> Lost { get; } = Enumerable.Range(1, seen.Length - 1).Where(i => seen[i] == 0).ToList();

    /// <summary>Numbers that arrived more than once.</summary>
    public List<int> Doubled { get; } = Enumerable.Range(1, seen.Length - 1).Where(i => seen[i] > 1).ToList();

    /// <summary>The lost numbers as stretches of consecutive numbers (first, count).</summary>
    public List<(int First, int Count)> LostRuns()
    {
        var runs = new List<(int First, int Count)>();
        foreach (int n in Lost)
            if (runs.Count > 0 && runs[^1].First + runs[^1].Count == n) runs[^1] = (runs[^1].First, runs[^1].Count + 1);
            else runs.Add((n, 1));
        return runs;
    }

    public override string ToString() =>
        $"lost {Lost.Count} (first: {string.Join(',', Lost.Take(10))}), doubled {Doubled.Count} (first: {string.Join(',', Doubled.Take(10))}), other lines {Other}";
}
