using System.Globalization;
using System.Text;

namespace PerpBench;

/// <summary>
/// Logger throughput: a service prints the numbers 1..N as fast as it can into its log
/// pipe; the logger writes files. Done when `current` ends with N. Then every log file
/// is read back to count lines lost or doubled.
/// </summary>
public static class LogThroughput
{
    /// <param name="t0">The start time (epoch seconds), or a file the service wrote it into when it began.</param>
    public static int Run(string dir, int last, string t0, TimeSpan timeout)
    {
        string current = Path.Combine(dir, "current");
        byte[] want = Encoding.ASCII.GetBytes(last.ToString(CultureInfo.InvariantCulture) + "\n");
        var deadline = DateTime.UtcNow + timeout;
        double seconds = double.NaN;
        while (DateTime.UtcNow < deadline)
        {
            if (EndsWith(current, want))
            {
                double done = EpochNow();
                string text = File.Exists(t0) ? File.ReadAllText(t0).Trim() : t0;
                seconds = done - double.Parse(text, CultureInfo.InvariantCulture);
                break;
            }
            Thread.Sleep(1); // reads 8 bytes: cheap enough to poll at 1 ms resolution
        }
        var (lines, lost, doubled) = Verify(dir, last);
        var ci = CultureInfo.InvariantCulture;
        Console.WriteLine(string.Format(ci, "log_lines={0} log_seconds={1:F3} log_lines_per_s={2:F0} log_lost={3} log_doubled={4}",
            lines, seconds, last / seconds, lost, doubled));
        return double.IsNaN(seconds) || lost != 0 || doubled != 0 ? 1 : 0;
    }

    public static double EpochNow() => (DateTime.UtcNow - DateTime.UnixEpoch).TotalSeconds;

    private static bool EndsWith(string path, byte[] tail)
    {
        try
        {
            using var fs = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            if (fs.Length < tail.Length) return false;
            fs.Seek(-tail.Length - 1, SeekOrigin.End);
            var buf = new byte[tail.Length + 1];
            if (fs.ReadAtLeast(buf, buf.Length, false) != buf.Length) return false;
            // The byte before the number must end the previous line, so 11 is not taken for 1.
            return buf[0] == (byte)'\n' && buf.AsSpan(1).SequenceEqual(tail);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            return false;
        }
    }

    /// <summary>Counts lines 1..last across current and the archives (tinylog `_…`, the others `@…`).</summary>
    public static (long Lines, long Lost, long Doubled) Verify(string dir, int last)
    {
        var seen = new byte[last + 1];
        long lines = 0, doubled = 0;
        foreach (string file in Directory.EnumerateFiles(dir))
        {
            string n = Path.GetFileName(file);
            if (n != "current" && !n.StartsWith('_') && !n.StartsWith('@')) continue;
            foreach (string line in File.ReadLines(file))
            {
                lines++;
                if (int.TryParse(line, NumberStyles.None, CultureInfo.InvariantCulture, out int v) && v >= 1 && v <= last)
                {
                    if (seen[v] != 0) doubled++;
                    seen[v] = 1;
                }
            }
        }
        long lost = 0;
        for (int i = 1; i <= last; i++) if (seen[i] == 0) lost++;
        return (lines, lost, doubled);
    }
}
