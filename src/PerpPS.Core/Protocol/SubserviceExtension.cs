using System.Buffers.Binary;

namespace PerpPS.Core.Protocol;

/// <summary>
/// The extended figures of one sub-service (main or log): a 64-byte block of an
/// <see cref="ExtendedStatus"/>. Integers little-endian, the tain big-endian as in the v2
/// record. Layout (docs/protocol-extensions.md):
/// <code>
/// 0  u8   last exit kind (ExitKind)      1  u8  last exit value (code, signal or errno)
/// 2  u16  policy flags (reserved)        4  u32 restarts since activation
/// 8  u32  restarts since the last u/o    12 u32 consecutive start failures
/// 16 u32  process group id (0 = none)    20 12  time of the last exit (tain, 0 = never)
/// 32 u64  duration of the last run, ns   40 u32 backoff delay, ms (reserved)
/// 44 u32  health-check failures (res.)   48 u32 process count (reserved)
/// 52 u64  CPU time, µs (reserved)        60 u32 which optional figures are set (ExtensionFields)
/// </code>
/// </summary>
public readonly record struct SubserviceExtension(
    ExitKind LastExitKind,
    byte LastExitValue,
    PolicyFlags Policy,
    uint Restarts,
    uint RestartsSinceStart,
    uint StartFailures,
    uint ProcessGroup,
    Tai64N LastExitTime,
    ulong LastRunNanoseconds,
    uint BackoffMilliseconds,
    uint HealthFailures,
    uint ProcessCount,
    ulong CpuMicroseconds,
    ExtensionFields Present)
{
    /// <summary>Size of the block this version writes; readers accept longer blocks (later versions) and shorter ones (zero-filled).</summary>
    public const int Size = 64;

    /// <summary>The exit code of the last run, or null when it did not exit normally (or none ended).</summary>
    public int? ExitCode => LastExitKind == ExitKind.Exited ? LastExitValue : null;

    /// <summary>The signal that ended the last run, or null when it was not killed by one.</summary>
    public int? Signal => LastExitKind is ExitKind.Killed or ExitKind.Dumped ? LastExitValue : null;

    /// <summary>How long the last run lasted (from its spawn to its end), or null when none ended.</summary>
    public TimeSpan? LastRunTime => LastExitKind == ExitKind.None ? null : TimeSpan.FromTicks((long)(LastRunNanoseconds / 100));

    public void Write(Span<byte> d)
    {
        d[..Size].Clear();
        d[0] = (byte)LastExitKind;
        d[1] = LastExitValue;
        BinaryPrimitives.WriteUInt16LittleEndian(d[2..], (ushort)Policy);
        BinaryPrimitives.WriteUInt32LittleEndian(d[4..], Restarts);
        BinaryPrimitives.WriteUInt32LittleEndian(d[8..], RestartsSinceStart);
        BinaryPrimitives.WriteUInt32LittleEndian(d[12..], StartFailures);
        BinaryPrimitives.WriteUInt32LittleEndian(d[16..], ProcessGroup);
        LastExitTime.Write(d[20..]);
        BinaryPrimitives.WriteUInt64LittleEndian(d[32..], LastRunNanoseconds);
        BinaryPrimitives.WriteUInt32LittleEndian(d[40..], BackoffMilliseconds);
        BinaryPrimitives.WriteUInt32LittleEndian(d[44..], HealthFailures);
        BinaryPrimitives.WriteUInt32LittleEndian(d[48..], ProcessCount);
        BinaryPrimitives.WriteUInt64LittleEndian(d[52..], CpuMicroseconds);
        BinaryPrimitives.WriteUInt32LittleEndian(d[60..], (uint)Present);
    }

    /// <summary>Reads a block of any length: bytes past <see cref="Size"/> are ignored, missing ones read as zero.</summary>
    public static SubserviceExtension Read(ReadOnlySpan<byte> block)
    {
        Span<byte> s = stackalloc byte[Size];
        s.Clear();
        block[..Math.Min(block.Length, Size)].CopyTo(s);
        return new SubserviceExtension(
            (ExitKind)s[0],
            s[1],
            (PolicyFlags)BinaryPrimitives.ReadUInt16LittleEndian(s[2..]),
            BinaryPrimitives.ReadUInt32LittleEndian(s[4..]),
            BinaryPrimitives.ReadUInt32LittleEndian(s[8..]),
            BinaryPrimitives.ReadUInt32LittleEndian(s[12..]),
            BinaryPrimitives.ReadUInt32LittleEndian(s[16..]),
            Tai64N.Read(s[20..]),
            BinaryPrimitives.ReadUInt64LittleEndian(s[32..]),
            BinaryPrimitives.ReadUInt32LittleEndian(s[40..]),
            BinaryPrimitives.ReadUInt32LittleEndian(s[44..]),
            BinaryPrimitives.ReadUInt32LittleEndian(s[48..]),
            BinaryPrimitives.ReadUInt64LittleEndian(s[52..]),
            (ExtensionFields)BinaryPrimitives.ReadUInt32LittleEndian(s[60..]));
    }
}
