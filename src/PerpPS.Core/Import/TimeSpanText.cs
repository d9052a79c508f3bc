using System.Globalization;

namespace PerpPS.Core.Import;

/// <summary>systemd's time spans (systemd.time(7)): "30", "30s", "1min 30s", "500ms", "infinity".</summary>
public static class TimeSpanText
{
    /// <summary>Milliseconds, or null when the text is not a span; infinity is <see cref="long.MaxValue"/>.</summary>
    public static long? Milliseconds(string text)
    {
        string t = text.Trim();
        if (t == "infinity") return long.MaxValue;
        if (t.Length == 0) return null;
        double total = 0;
        int i = 0;
        while (i < t.Length)
        {
            while (i < t.Length && t[i] == ' ') i++;
            int start = i;
            while (i < t.Length && (char.IsAsciiDigit(t[i]) || t[i] == '.')) i++;
            if (start == i) return null;
            if (!double.TryParse(t[start..i], NumberStyles.Float, CultureInfo.InvariantCulture, out double n)) return null;
            while (i < t.Length && t[i] == ' ') i++;
            int u = i;
            while (i < t.Length && char.IsAsciiLetter(t[i])) i++;
            double? scale = t[u..i] switch
            {
                "" or "s" or "sec" or "second" or "seconds" => 1000,
                "ms" or "msec" => 1,
                "us" or "usec" or "µs" => 0.001,
                "m" or "min" or "minute" or "minutes" => 60_000,
                "h" or "hr" or "hour" or "hours" => 3_600_000,
                "d" or "day" or "days" => 86_400_000,
                "w" or "week" or "weeks" => 604_800_000,
                _ => null,
            };
            if (scale == null) return null;
            total += n * scale.Value;
        }
        return (long)Math.Round(total);
    }
}
