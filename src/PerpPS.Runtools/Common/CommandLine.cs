using System.Text;

namespace PerpPS.Runtools.Common;

/// <summary>
/// The process's real argv, read from /proc/self/cmdline. Under the JIT apphost
/// Environment.GetCommandLineArgs()[0] is the managed assembly, not argv[0], and the
/// multi-call binary dispatches on argv[0]'s basename, so the kernel's copy is the truth.
/// </summary>
internal static class CommandLine
{
    public static string[] Read()
    {
        // Raw open/read/close (Core's WholeFile): no FileStream code or calls at start-up.
        if (PerpPS.Core.Posix.WholeFile.TryRead("/proc/self/cmdline", out _) is not { } raw)
            return Environment.GetCommandLineArgs();
        var args = new List<string>();
        int start = 0;
        for (int i = 0; i < raw.Length; i++)
        {
            if (raw[i] != 0) continue;
            args.Add(Encoding.UTF8.GetString(raw, start, i - start));
            start = i + 1;
        }
        if (start < raw.Length) args.Add(Encoding.UTF8.GetString(raw, start, raw.Length - start));
        return args.ToArray();
    }

    /// <summary>The basename of a path, as perp's progname.</summary>
    public static string BaseName(string path)
    {
        int slash = path.LastIndexOf('/');
        return slash < 0 ? path : path[(slash + 1)..];
    }
}
