using System.Buffers.Binary;
using PerpPS.Core.Protocol;

namespace PerpPS.Tools.Tests;

/// <summary>Reply packets and expected request bytes, written out byte by byte (spec §5).</summary>
internal static class Wire
{
    public static byte[] Hex(string hex) => Convert.FromHexString(hex.Replace(" ", "").Replace("|", ""));

    /// <summary>An E reply: 02 45 04 + errno little-endian.</summary>
    public static byte[] ErrorReply(int errno) => [2, (byte)'E', 4, (byte)errno, (byte)(errno >> 8), 0, 0];

    /// <summary>The S reply captured from perp 2.07 in spec §5.4 (sleeper with its log).</summary>
    public static readonly byte[] CapturedSleeperStatus = Hex(
        "02 53 42 | 0e400000 | 400000006b032fd1 0e6448e0 | 400000006b032fd1 0e67fbc4 | 03 | 00 |" +
        "e3440000 | 400000006b032ffe 00dd03e1 | 00 | 00 | e2440000 | 400000006b032ffe 00db782b | 01 | 00");

    public static byte[] StatusReply(StatusRecord status)
    {
        var packet = new byte[Packet.StatusSize];
        Packet.WriteStatus(packet, status);
        return packet;
    }

    /// <summary>
    /// dev/ino of a directory as the tools must put it on the wire: two LE uint64. Taken
    /// from coreutils' stat(1) (glibc's st_dev and st_ino), an oracle independent of our
    /// statx code.
    /// </summary>
    public static byte[] DevIno(string directory)
    {
        var r = PerpPS.TestSupport.ToolRunner.Run("/usr/bin/stat", ["-L", "-c", "%d %i", directory]);
        Assert.Equal(0, r.ExitCode);
        var parts = r.Stdout.Trim().Split(' ');
        var id = new ServiceId(ulong.Parse(parts[0]), ulong.Parse(parts[1]));
        var bytes = new byte[16];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, id.Device);
        BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(8), id.Inode);
        return bytes;
    }

    public static byte[] Query(string directory) => [2, (byte)'Q', 16, .. DevIno(directory)];

    public static byte[] Command(string directory, char command, byte flags) =>
        [2, (byte)'C', 18, .. DevIno(directory), (byte)command, flags];
}
