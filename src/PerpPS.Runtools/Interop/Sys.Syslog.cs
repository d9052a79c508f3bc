using System.Runtime.InteropServices;

namespace PerpPS.Runtools.Interop;

/// <summary>The system logger, as sissylog uses it (openlog once, syslog per line).</summary>
internal static unsafe partial class Sys
{
    public const int LOG_ALERT = 1, LOG_ERR = 3, LOG_WARNING = 4, LOG_NOTICE = 5, LOG_INFO = 6, LOG_DEBUG = 7;

    [LibraryImport(LibC, EntryPoint = "openlog")]
    public static partial void Openlog(byte* ident, int option, int facility);

    /// <summary>syslog(priority, "%s", message): the format is always "%s", so only one
    /// pointer travels through the variadic list (safe to call as a fixed signature on
    /// x86-64 and aarch64 Linux).</summary>
    [LibraryImport(LibC, EntryPoint = "syslog")]
    public static partial void Syslog(int priority, byte* format, byte* message);

    [LibraryImport(LibC, EntryPoint = "closelog")]
    public static partial void Closelog();
}
