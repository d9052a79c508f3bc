using System.Text;

namespace PerpPS.Tools.Cli;

/// <summary>
/// The program's real argv as bytes, read from /proc/self/cmdline. Two reasons: under the
/// JIT apphost Environment.GetCommandLineArgs()[0] is the managed dll, not argv[0], and the
/// multi-call binary dispatches on argv[0]; and arguments are bytes on Linux, so a service
/// name that is not UTF-8 must reach stat() unchanged.
/// </summary>
internal sealed class Argv
{
    private Argv(byte[][] raw)
    {
        Raw = raw;
        Text = new string[raw.Length];
        for (int i = 0; i < raw.Length; i++) Text[i] = Encoding.UTF8.GetString(raw[i]);
    }

    /// <summary>Each argument's bytes.</summary>
    public byte[][] Raw { get; }

    /// <summary>Each argument decoded as UTF-8 (for option parsing, which is ASCII).</summary>
    public string[] Text { get; }

    public int Count => Raw.Length;

    /// <summary>This process's argv.</summary>
    public static Argv Current()
    {
        // Raw open/read/close: File.ReadAllBytes would add FileStream's fstat/flock/pread
        // calls and code to every start.
        if (PerpPS.Core.Posix.WholeFile.TryRead("/proc/self/cmdline", out _) is { } cmdline)
        {
            var parts = new List<byte[]>();
            int start = 0;
            for (int i = 0; i < cmdline.Length; i++)
            {
                if (cmdline[i] != 0) continue;
                parts.Add(cmdline.AsSpan(start, i - start).ToArray());
                start = i + 1;
            }
            if (start < cmdline.Length) parts.Add(cmdline.AsSpan(start).ToArray());
            if (parts.Count > 0) return new Argv(parts.ToArray());
        }
        // No /proc: the runtime's view is the best there is.
        string[] args = Environment.GetCommandLineArgs();
        var fallback = new byte[args.Length][];
        for (int i = 0; i < args.Length; i++) fallback[i] = Encoding.UTF8.GetBytes(args[i]);
        return new Argv(fallback);
    }

    /// <summary>An argv from strings (tests, and dispatch by first argument).</summary>
    public static Argv FromStrings(params string[] args)
    {
        var raw = new byte[args.Length][];
        for (int i = 0; i < args.Length; i++) raw[i] = Encoding.UTF8.GetBytes(args[i]);
        return new Argv(raw);
    }

    /// <summary>This argv without its first word (a multi-call binary called by its own name).</summary>
    public Argv Shift() => new(Raw[1..]);

    /// <summary>The basename of argv[0] as bytes.</summary>
    public byte[] ProgramName()
    {
        if (Raw.Length == 0) return Encoding.UTF8.GetBytes("perpps-tools");
        byte[] zero = Raw[0];
        int slash = Array.LastIndexOf(zero, (byte)'/');
        return slash < 0 ? zero : zero[(slash + 1)..];
    }

    /// <summary>
    /// The bytes of an option argument <see cref="PerpPS.Core.Cli.NextOpt"/> found, taken from
    /// the raw word so a non-UTF-8 value survives.
    /// </summary>
    public byte[] OptionArgument(PerpPS.Core.Cli.NextOpt opt)
    {
        byte[] word = Raw[opt.ArgumentIndex];
        // The option letters before the argument are ASCII, so chars and bytes line up.
        return word[opt.ArgumentOffset..];
    }
}
