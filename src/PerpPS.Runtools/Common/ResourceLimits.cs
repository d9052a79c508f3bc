using PerpPS.Core.Interop;
using System.Runtime.InteropServices;
using PerpPS.Runtools.Interop;

namespace PerpPS.Runtools.Common;

/// <summary>
/// The soft limits runlimit and runtool -R set (spec §13): one letter or RLIMIT_ name per
/// resource ('m' = AS, DATA, MEMLOCK and STACK together), a uint32 value or the hard limit
/// ("=", "^", "_"; "!" for runtool), values above the hard limit cut down to it.
/// </summary>
internal sealed class ResourceLimits
{
    public const int CPU = 0, FSIZE = 1, DATA = 2, STACK = 3, CORE = 4, RSS = 5, NPROC = 6, NOFILE = 7,
        MEMLOCK = 8, AS = 9;

    /// <summary>Marks "the hard limit" in a plan.</summary>
    public const ulong Hard = ulong.MaxValue;

    private const ulong Infinity = ulong.MaxValue;

    private static readonly (char Letter, string Name, int[] Resources)[] Table =
    {
        ('a', "RLIMIT_AS", new[] { AS }),
        ('c', "RLIMIT_CORE", new[] { CORE }),
        ('d', "RLIMIT_DATA", new[] { DATA }),
        ('f', "RLIMIT_FSIZE", new[] { FSIZE }),
        ('l', "RLIMIT_MEMLOCK", new[] { MEMLOCK }),
        ('m', "RLIMIT_MEM", new[] { AS, DATA, MEMLOCK, STACK }),
        ('o', "RLIMIT_NOFILE", new[] { NOFILE }),
        ('p', "RLIMIT_NPROC", new[] { NPROC }),
        ('r', "RLIMIT_RSS", new[] { RSS }),
        ('s', "RLIMIT_STACK", new[] { STACK }),
        ('t', "RLIMIT_CPU", new[] { CPU }),
    };

    private static readonly string[] ResourceNames =
        { "RLIMIT_CPU", "RLIMIT_FSIZE", "RLIMIT_DATA", "RLIMIT_STACK", "RLIMIT_CORE", "RLIMIT_RSS", "RLIMIT_NPROC", "RLIMIT_NOFILE", "RLIMIT_MEMLOCK", "RLIMIT_AS" };

    // resource -> wanted value; a later Set (a stronger source) overrides an earlier one.
    private readonly SortedDictionary<int, ulong> _plan = new();

    public bool IsEmpty => _plan.Count == 0;

    public static bool TryLetter(char letter, out int[] resources)
    {
        foreach (var row in Table)
            if (row.Letter == letter) { resources = row.Resources; return true; }
        resources = Array.Empty<int>();
        return false;
    }

    public static bool TryName(string name, out int[] resources)
    {
        foreach (var row in Table)
            if (row.Name == name) { resources = row.Resources; return true; }
        resources = Array.Empty<int>();
        return false;
    }

    /// <summary>Parses a value: a uint32 decimal, or one of <paramref name="hardMarks"/>.</summary>
    public static bool TryValue(string text, string hardMarks, out ulong value)
    {
        value = 0;
        if (text.Length == 1 && hardMarks.Contains(text[0]))
        {
            value = Hard;
            return true;
        }
        if (!uint.TryParse(text, System.Globalization.NumberStyles.None, null, out uint v)) return false;
        value = v;
        return true;
    }

    public void Set(int[] resources, ulong value)
    {
        foreach (int r in resources) _plan[r] = value;
    }

    /// <summary>Sets every planned soft limit; 0, or the errno with <paramref name="failed"/> naming the resource.</summary>
    public unsafe int Apply(Tool tool, bool verbose, out string failed)
    {
        failed = "";
        foreach (var (resource, wanted) in _plan)
        {
            Libc.RLimit lim;
            if (Libc.GetRLimit(resource, &lim) != 0)
            {
                failed = ResourceNames[resource];
                return Marshal.GetLastPInvokeError();
            }
            ulong value = wanted;
            if (value == Hard)
            {
                value = lim.Maximum;
            }
            else if (lim.Maximum != Infinity && value > lim.Maximum)
            {
                if (verbose) tool.Warn($"{ResourceNames[resource]} value {value} exceeds hard limit, using {lim.Maximum}");
                value = lim.Maximum;
            }
            lim.Current = value;
            if (Libc.SetRLimit(resource, &lim) != 0)
            {
                failed = ResourceNames[resource];
                return Marshal.GetLastPInvokeError();
            }
        }
        return 0;
    }
}
