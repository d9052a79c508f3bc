using PerpPS.Core.Client;
using PerpPS.Core.Posix;
using PerpPS.Core.Protocol;
using PerpPS.Tools.Cli;
using PerpPS.Tools.Common;
using PerpPS.Tools.Io;

namespace PerpPS.Tools.Perpstat;

/// <summary>
/// perpstat: a status report per service on standard output, errors on standard error
/// (spec §8). Exit 0 even when some service failed; 100 usage; 111 fatal.
/// </summary>
internal static class PerpstatTool
{
    public const string Usage = "[-hV] [-b basedir] sv [sv ...]";

    public static int Run(ToolContext tool, Argv argv)
    {
        byte[]? baseArg = null;
        var opt = ClientOptions.Parse(tool, argv, "hVb:", ClientOptions.None, b => baseArg = b);
        if (opt.Index >= argv.Count) throw tool.FatalUsage("missing argument");

        var baseDirectory = BaseDirectory.Enter(tool, BaseChoice.ForStatus(baseArg), "fail chdir() to ");

        using ControlClient client = DaemonConnection.Open(tool, baseDirectory);
        Tai64N now = Tai64N.Now();
        foreach (byte[] sv in argv.Raw[opt.Index..])
        {
            if (ServiceDirectory.Stat(sv, out var st) != 0) { tool.Err(new Line().B(sv).S(": error: service directory not found")); continue; }
            if (!st.IsDirectory) { tool.Err(new Line().B(sv).S(": error: not a directory")); continue; }
            if (!st.IsSticky) { tool.Out(new Line().B(sv).S(": not activated")); continue; }
            Reply reply;
            try
            {
                reply = client.Query(st.Id);
            }
            catch (ControlException e)
            {
                tool.Err(new Line().S("error: ").B(sv)
                    .S(e.Stage == ControlStage.Write ? ": error writing query: " : ": error reading response: ")
                    .S(Errno.Describe(e.Errno)));
                continue;
            }
            switch (reply.Kind)
            {
                case ReplyKind.Status:
                    foreach (Line line in StatusReport.Format(sv, reply.Status, now)) tool.Out(line);
                    break;
                case ReplyKind.Error:
                    tool.Err(new Line().S("error: ").B(sv).S(": error reported in reply: ").S(Errno.Describe(reply.Errno)));
                    break;
                case ReplyKind.BadProtocol:
                    tool.Err(new Line().S("error: ").B(sv).S(": unknown packet protocol in reply"));
                    break;
                default:
                    tool.Err(new Line().S("error: ").B(sv).S(": unknown packet type in reply"));
                    break;
            }
        }
        tool.Output.Flush();
        return 0;
    }
}
