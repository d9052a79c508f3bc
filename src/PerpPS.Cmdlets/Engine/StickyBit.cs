namespace PerpPS.Cmdlets.Engine;

/// <summary>perp's activation mark: the sticky bit of a service directory (spec §1.2).</summary>
internal static class StickyBit
{
    /// <summary>Sets or clears the bit; returns whether the mode changed.</summary>
    public static bool Set(string directory, bool on)
    {
        var mode = File.GetUnixFileMode(directory);
        var wanted = on ? mode | UnixFileMode.StickyBit : mode & ~UnixFileMode.StickyBit;
        if (wanted == mode) return false;
        File.SetUnixFileMode(directory, wanted);
        return true;
    }
}
