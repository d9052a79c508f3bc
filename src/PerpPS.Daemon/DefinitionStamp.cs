using System.Buffers.Binary;
using PerpPS.Core.Interop;

namespace PerpPS.Daemon;

/// <summary>
/// A fingerprint of a service's definition for the opt-in restart on change (file
/// <c>restart-on-change</c>): inode, size and mtime of rc.main and the policy files (main's
/// stamp) and of rc.log (the log's), statx'ed relative to the service directory's descriptor.
/// </summary>
internal static unsafe class DefinitionStamp
{
    public static readonly byte[] FlagFile = "restart-on-change\0"u8.ToArray();

    private static readonly byte[][] MainFiles =
    [
        "rc.main\0"u8.ToArray(), "notification-fd\0"u8.ToArray(), "dependencies\0"u8.ToArray(), "check\0"u8.ToArray(),
        "check-interval\0"u8.ToArray(), "check-timeout\0"u8.ToArray(), "check-retries\0"u8.ToArray(),
        "timeout-kill\0"u8.ToArray(), "down-signal\0"u8.ToArray(), "restart-backoff\0"u8.ToArray(),
        "give-up\0"u8.ToArray(), "pidfile\0"u8.ToArray(),
    ];

    private static readonly byte[] LogFile = "rc.log\0"u8.ToArray();

    public static bool Enabled(int dirFd)
    {
        byte* buffer = stackalloc byte[256];
        fixed (byte* p = FlagFile) return Libc.Statx(dirFd, p, 0, Libc.STATX_BASIC_STATS, buffer) == 0;
    }

    public static ulong OfMain(int dirFd)
    {
        ulong h = 14695981039346656037UL;
        foreach (var f in MainFiles) h = Mix(h, Of(dirFd, f));
        return h | 1; // never 0: 0 means "not stamped yet"
    }

    public static ulong OfLog(int dirFd) => Mix(14695981039346656037UL, Of(dirFd, LogFile)) | 1;

    private static ulong Of(int dirFd, byte[] name)
    {
        byte* buffer = stackalloc byte[256];
        int rc;
        fixed (byte* p = name) rc = Libc.Statx(dirFd, p, 0, Libc.STATX_BASIC_STATS, buffer);
        if (rc != 0) return 0x9E3779B97F4A7C15UL;
        var b = new ReadOnlySpan<byte>(buffer, 256);
        ulong ino = BinaryPrimitives.ReadUInt64LittleEndian(b[32..]);
        ulong size = BinaryPrimitives.ReadUInt64LittleEndian(b[40..]);
        ulong sec = BinaryPrimitives.ReadUInt64LittleEndian(b[112..]);
        ulong nsec = BinaryPrimitives.ReadUInt32LittleEndian(b[120..]);
        return Mix(Mix(Mix(Mix(14695981039346656037UL, ino), size), sec), nsec);
    }

    private static ulong Mix(ulong h, ulong v)
    {
        h ^= v;
        h *= 1099511628211UL;
        return h ^ (h >> 29);
    }
}
