using PerpPS.Core.Interop;
using System.Text;
using PerpPS.Core.Client;
using PerpPS.Core.Posix;
using PerpPS.Tools.Io;

namespace PerpPS.Tools.Common;

/// <summary>
/// The base directory a client tool works in. Like perp's tools it chdir()s into the base
/// and looks services up relative to it, and it prints paths as the base string followed
/// by "/.control/...", exactly as given.
/// </summary>
/// <remarks>
/// Deliberate fix (spec §14.4, edge case 19): perp's tools then open
/// "BASE/.control/perpd.sock" relative to the new working directory, so any relative base
/// other than "." fails with ENOENT. PerpPS opens ".control/perpd.sock" relative to the
/// base it is now in, which is the same file for an absolute base and the intended one for
/// a relative base; a long base also no longer trips sun_path's 107-byte limit (the
/// socket path is always 19 bytes).
/// </remarks>
internal sealed class BaseDirectory
{
    /// <summary>Where the socket and the lock file are, relative to the base (after chdir).</summary>
    public const string SocketFromBase = PerpPaths.ControlDirectory + "/" + PerpPaths.SocketName;
    public const string PidFileFromBase = PerpPaths.ControlDirectory + "/" + PerpPaths.PidFileName;

    private BaseDirectory(byte[] given) => Given = given;

    /// <summary>The base as the user gave it (printed in messages).</summary>
    public byte[] Given { get; }

    /// <summary>"BASE/.control/perpd.sock" as perp prints it.</summary>
    public Line SocketDisplay() => new Line().B(Given).S("/" + SocketFromBase);

    /// <summary>"BASE/.control/perpd.pid" as perp prints it.</summary>
    public Line PidFileDisplay() => new Line().B(Given).S("/" + PidFileFromBase);

    public static BaseDirectory From(byte[] given) => new(given);

    public static BaseDirectory From(string given) => new(Encoding.UTF8.GetBytes(given));

    /// <summary>
    /// The base, entered: chdir() into <paramref name="given"/>, else the tool's fatal
    /// "<paramref name="failure"/>BASE: errno" and exit 111. Each tool keeps perp's own
    /// words ("fail chdir() to ", "failure chdir() to ", "unable to chdir() to ").
    /// </summary>
    public static BaseDirectory Enter(ToolContext tool, byte[] given, string failure)
    {
        var baseDirectory = From(given);
        int errno = baseDirectory.ChangeInto();
        if (errno != 0) throw tool.FatalSys(errno, new Line().S(failure).B(given));
        return baseDirectory;
    }

    /// <summary>chdir() into the base; 0 or the errno.</summary>
    public unsafe int ChangeInto()
    {
        byte[] path = NativePath.ToBytes(Given);
        fixed (byte* p = path)
            return Libc.Chdir(p) == 0 ? 0 : System.Runtime.InteropServices.Marshal.GetLastPInvokeError();
    }
}
