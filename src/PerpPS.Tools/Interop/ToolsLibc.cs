using System.Runtime.InteropServices;

namespace PerpPS.Tools.Interop;

/// <summary>
/// The few libc calls only the client tools make (chdir and chmod on byte paths are
/// PerpPS.Core's, as is the directory reader): isatty for perpls's colour rule.
/// </summary>
internal static unsafe partial class ToolsLibc
{
    private const string LibC = "libc";

    [LibraryImport(LibC, EntryPoint = "isatty")]
    public static partial int IsATty(int fd);
}
