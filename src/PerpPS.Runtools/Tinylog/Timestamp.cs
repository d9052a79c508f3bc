namespace PerpPS.Runtools.Tinylog;

/// <summary>tinylog's UTC stamps: "YYYYMMDDTHHMMSS.uuuuuu" (22 bytes), used in lines and archive names.</summary>
internal static class Timestamp
{
    public const int Length = 22;

    /// <summary>Writes the stamp of <paramref name="utc"/> into the first 22 bytes of <paramref name="into"/>.</summary>
    public static void Write(DateTime utc, Span<byte> into)
    {
        Put(into, 0, utc.Year, 4);
        Put(into, 4, utc.Month, 2);
        Put(into, 6, utc.Day, 2);
        into[8] = (byte)'T';
        Put(into, 9, utc.Hour, 2);
        Put(into, 11, utc.Minute, 2);
        Put(into, 13, utc.Second, 2);
        into[15] = (byte)'.';
        Put(into, 16, (int)(utc.Ticks % TimeSpan.TicksPerSecond / 10), 6);
    }

    public static string Format(DateTime utc)
    {
        Span<byte> b = stackalloc byte[Length];
        Write(utc, b);
        return System.Text.Encoding.ASCII.GetString(b);
    }

    private static void Put(Span<byte> into, int at, int value, int digits)
    {
        for (int i = digits - 1; i >= 0; i--)
        {
            into[at + i] = (byte)('0' + value % 10);
            value /= 10;
        }
    }
}
