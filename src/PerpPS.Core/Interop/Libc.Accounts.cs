using System.Runtime.InteropServices;

namespace PerpPS.Core.Interop;

/// <summary>The group database (struct group*: gr_name, gr_passwd, then gr_gid).</summary>
public static unsafe partial class Libc
{
    [LibraryImport(LibC, EntryPoint = "getgrnam", SetLastError = true)]
    public static partial byte* GetGrNam(byte* name);
}
