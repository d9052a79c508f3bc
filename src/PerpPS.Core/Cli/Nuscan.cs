namespace PerpPS.Core.Cli;

/// <summary>
/// perp's <c>nuscan_uint32</c>, the number reader of every numeric option (perpd -a, perpok -u,
/// and PerpPS's perpd -k and -c): decimal digits to the end of the word, the empty word being 0
/// (spec §2.1, edge case 31).
/// </summary>
public static class Nuscan
{
    /// <summary>
    /// The word as an unsigned 32-bit decimal. Decision: a value beyond 2^32−1 is refused (the
    /// caller reports it as non-numeric) rather than wrapped around as perp's C would.
    /// </summary>
    public static bool TryUInt32(string text, out uint value)
    {
        value = 0;
        ulong v = 0;
        foreach (char ch in text)
        {
            if (ch is < '0' or > '9') return false;
            v = v * 10 + (uint)(ch - '0');
            if (v > uint.MaxValue) return false;
        }
        value = (uint)v;
        return true;
    }
}
