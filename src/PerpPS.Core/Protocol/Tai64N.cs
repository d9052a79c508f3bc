using System.Buffers.Binary;

namespace PerpPS.Core.Protocol;

/// <summary>
/// A TAI64N label as perp puts it on the wire: 8 bytes of big-endian seconds label
/// (unix seconds + 2^62 + 10, no leap-second table) and 4 bytes of big-endian nanoseconds.
/// The all-zero label means "never set"; perp's clients subtract it naively, so uptimes
/// against it come out near 4.6e18 seconds, and ours reproduce that (spec §5.4, edge case 12).
/// </summary>
public readonly record struct Tai64N(ulong Label, uint Nanoseconds) : IComparable<Tai64N>
{
    /// <summary>Size of a label on the wire.</summary>
    public const int Size = 12;

    /// <summary>The offset between unix seconds and the TAI64 label perp uses (2^62 + 10).</summary>
    public const ulong UnixOffset = 4611686018427387914UL;

    /// <summary>The never-set label: all zeros.</summary>
    public static Tai64N Zero => default;

    public bool IsZero => Label == 0 && Nanoseconds == 0;

    /// <summary>Builds a label from unix seconds and nanoseconds.</summary>
    public static Tai64N FromUnix(long seconds, uint nanoseconds) =>
        new(unchecked((ulong)seconds + UnixOffset), nanoseconds);

    /// <summary>The current wall-clock time (CLOCK_REALTIME, as perp's tain_now).</summary>
    public static Tai64N Now()
    {
        long ticks = DateTime.UtcNow.Ticks - DateTime.UnixEpoch.Ticks;
        long seconds = ticks / TimeSpan.TicksPerSecond;
        uint nanos = (uint)(ticks % TimeSpan.TicksPerSecond * 100);
        return FromUnix(seconds, nanos);
    }

    /// <summary>Unix seconds of this label (meaningless for <see cref="Zero"/>).</summary>
    public long UnixSeconds => unchecked((long)(Label - UnixOffset));

    /// <summary>The label as a UTC time, or null for the never-set label.</summary>
    public DateTime? ToDateTime() =>
        IsZero ? null : DateTime.UnixEpoch.AddTicks(UnixSeconds * TimeSpan.TicksPerSecond + Nanoseconds / 100);

    /// <summary>This label plus a duration in nanoseconds.</summary>
    public Tai64N AddNanoseconds(long nanoseconds)
    {
        long total = Nanoseconds + nanoseconds;
        long carry = Math.DivRem(total, 1_000_000_000L, out long rem);
        if (rem < 0) { rem += 1_000_000_000L; carry--; }
        return new Tai64N(unchecked(Label + (ulong)carry), (uint)rem);
    }

    /// <summary>(this − earlier) in nanoseconds, saturating; negative when earlier is later.</summary>
    public long NanosecondsSince(Tai64N earlier)
    {
        long secs = unchecked((long)(Label - earlier.Label));
        long nanos = (long)Nanoseconds - earlier.Nanoseconds;
        return secs * 1_000_000_000L + nanos;
    }

    /// <summary>
    /// perp's uptime arithmetic: whole seconds of (now − when), with a fraction above
    /// half a second rounding up and exactly .5 rounding down, computed on the raw labels
    /// with unsigned wrap-around exactly as perpls/perpstat do. Against a zero label this
    /// yields the ~4.6e18 figure perp prints.
    /// </summary>
    public static ulong RoundedSecondsBetween(Tai64N now, Tai64N when)
    {
        ulong secs = unchecked(now.Label - when.Label);
        long nanos = (long)now.Nanoseconds - when.Nanoseconds;
        if (nanos < 0) { nanos += 1_000_000_000L; secs = unchecked(secs - 1); }
        if (nanos > 500_000_000L) secs = unchecked(secs + 1);
        return secs;
    }

    public void Write(Span<byte> destination)
    {
        BinaryPrimitives.WriteUInt64BigEndian(destination, Label);
        BinaryPrimitives.WriteUInt32BigEndian(destination[8..], Nanoseconds);
    }

    public static Tai64N Read(ReadOnlySpan<byte> source) =>
        new(BinaryPrimitives.ReadUInt64BigEndian(source), BinaryPrimitives.ReadUInt32BigEndian(source[8..]));

    public int CompareTo(Tai64N other)
    {
        int c = Label.CompareTo(other.Label);
        return c != 0 ? c : Nanoseconds.CompareTo(other.Nanoseconds);
    }

    public static bool operator <(Tai64N a, Tai64N b) => a.CompareTo(b) < 0;
    public static bool operator >(Tai64N a, Tai64N b) => a.CompareTo(b) > 0;
    public static bool operator <=(Tai64N a, Tai64N b) => a.CompareTo(b) <= 0;
    public static bool operator >=(Tai64N a, Tai64N b) => a.CompareTo(b) >= 0;
}
