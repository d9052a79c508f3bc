using System.Text;
using PerpPS.Runtools.Common;
using PerpPS.Runtools.Interop;

namespace PerpPS.Runtools.Tools;

/// <summary>
/// sissylog [-hV] [ident [facility]]: stdin to the system logger (spec §12.3). Each line is
/// cleaned like tinylog's (control bytes → '?'; UTF-8 passes through, the same deliberate
/// fix), sent at LOG_INFO unless it starts with alert:/error:/warning:/notice:/debug:, and
/// split every 800 bytes with continuations sent as "+CHUNK".
/// </summary>
internal static unsafe class Sissylog
{
    private const int ChunkSize = 800;

    private static readonly (string Name, int Code)[] Facilities =
    {
        ("LOG_AUTH", 4 << 3), ("LOG_CRON", 9 << 3), ("LOG_DAEMON", 3 << 3), ("LOG_FTP", 11 << 3),
        ("LOG_KERN", 0), ("LOG_LPR", 6 << 3), ("LOG_MAIL", 2 << 3), ("LOG_NEWS", 7 << 3),
        ("LOG_SYSLOG", 5 << 3), ("LOG_USER", 1 << 3), ("LOG_UUCP", 8 << 3),
    };

    private static readonly (string Prefix, int Priority)[] Priorities =
    {
        ("alert:", Sys.LOG_ALERT), ("error:", Sys.LOG_ERR), ("warning:", Sys.LOG_WARNING),
        ("notice:", Sys.LOG_NOTICE), ("debug:", Sys.LOG_DEBUG),
    };

    public static int Run(string name, string[] args)
    {
        var tool = new Tool(name, "[-hV] [ident [facility]]");
        string[] rest = OptionParser.Operands(tool, args, "", 0);
        string ident = rest.Length > 0 ? rest[0] : name;
        int facility = 3 << 3;
        if (rest.Length > 1)
            foreach (var (n, code) in Facilities)
                if (n == rest[1]) facility = code;

        // openlog keeps the pointer: the ident lives for the whole process.
        Sys.Openlog(NativeStrings.One(ident), 0, facility);
        Send(Sys.LOG_INFO, "sissylog: logging from stdin ..."u8);

        using var stdin = Console.OpenStandardInput();
        var line = new List<byte>(1024);
        byte[] buffer = new byte[16 * 1024];
        while (true)
        {
            int n;
            try
            {
                n = stdin.Read(buffer, 0, buffer.Length);
            }
            catch (IOException)
            {
                Send(Sys.LOG_NOTICE, "notice: sissylog: terminating on i/o error reading stdin"u8);
                return Tool.ExitFatal;
            }
            if (n == 0) break;
            for (int i = 0; i < n; i++)
            {
                byte c = buffer[i];
                if (c == '\n')
                {
                    Emit(line);
                    line.Clear();
                }
                else
                {
                    line.Add(c < 32 && c != '\t' ? (byte)'?' : c);
                }
            }
        }
        Emit(line);
        Send(Sys.LOG_INFO, "sissylog: terminating normally on eof reading stdin"u8);
        Sys.Closelog();
        return 0;
    }

    private static void Emit(List<byte> line)
    {
        if (line.Count == 0) return;
        byte[] bytes = line.ToArray();
        int priority = Sys.LOG_INFO;
        foreach (var (prefix, p) in Priorities)
        {
            if (bytes.AsSpan().StartsWith(Encoding.ASCII.GetBytes(prefix)))
            {
                priority = p;
                break;
            }
        }
        for (int at = 0; at < bytes.Length; at += ChunkSize)
        {
            int len = Math.Min(ChunkSize, bytes.Length - at);
            if (at == 0)
            {
                Send(priority, bytes.AsSpan(0, len));
                continue;
            }
            byte[] cont = new byte[len + 1];
            cont[0] = (byte)'+';
            bytes.AsSpan(at, len).CopyTo(cont.AsSpan(1));
            Send(priority, cont);
        }
    }

    private static void Send(int priority, ReadOnlySpan<byte> message)
    {
        byte* m = stackalloc byte[message.Length + 1];
        message.CopyTo(new Span<byte>(m, message.Length));
        m[message.Length] = 0;
        fixed (byte* fmt = "%s\0"u8) Sys.Syslog(priority, fmt, m);
    }
}
