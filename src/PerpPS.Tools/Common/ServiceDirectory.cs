using PerpPS.Core.Interop;
using PerpPS.Core.Posix;

namespace PerpPS.Tools.Common;

/// <summary>
/// A service argument looked up the way perp's tools do: stat() (following symlinks)
/// relative to the base the tool has chdir'ed into, by the name's raw bytes.
/// </summary>
internal static class ServiceDirectory
{
    /// <summary>stat() of <paramref name="name"/>; 0 or the errno.</summary>
    public static int Stat(byte[] name, out FileStatus status) =>
        FileStatus.TryStat(Libc.AT_FDCWD, NativePath.ToBytes(name), followLinks: true, out status);
}
