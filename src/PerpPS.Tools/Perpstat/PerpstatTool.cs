using PerpPS.Core.Client;
using PerpPS.Core.Policy;
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
    // perp's usage line, unchanged (-j is a PerpPS addition, documented in NOTES.md).
    public const string Usage = "[-hV] [-b basedir] sv [sv ...]";

    public static int Run(ToolContext tool, Argv argv)
    {
        byte[]? baseArg = null;
        bool json = false;
        var opt = ClientOptions.Parse(tool, argv, "hVb:j", (c, _) => c == 'j' && (json = true), b => baseArg = b);
        if (opt.Index >= argv.Count) throw tool.FatalUsage("missing argument");

        var baseDirectory = BaseDirectory.Enter(tool, BaseChoice.ForStatus(baseArg), "fail chdir() to ");

        using ControlClient client = DaemonConnection.Open(tool, baseDirectory);
        Tai64N now = Tai64N.Now();
        foreach (byte[] sv in argv.Raw[opt.Index..])
        {
            if (ServiceDirectory.Stat(sv, out var st) != 0) { tool.Err(new Line().B(sv).S(": error: service directory not found")); continue; }
            if (!st.IsDirectory) { tool.Err(new Line().B(sv).S(": error: not a directory")); continue; }
            if (!st.IsSticky)
            {
                tool.Out(json ? StatusJson.Format(Perpls.ServiceRow.NotActivated(sv), now) : new Line().B(sv).S(": not activated"));
                continue;
            }
            ExtendedReply reply;
            try
            {
                // X when perpd speaks the extension (then also the history lines), else perp's Q.
                reply = client.QueryExtended(st.Id);
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
                case ReplyKind.Status when json:
                    tool.Out(StatusJson.Format(Perpls.ServiceRow.Answered(sv, reply.Status) with { WaitingFor = WaitingFor(client, sv, reply.Status) }, now));
                    break;
                case ReplyKind.Status:
                    foreach (Line line in StatusReport.Format(sv, reply.Status.Status, now)) tool.Out(line);
                    if (reply.Status.HasExtension)
                    {
                        foreach (Line line in HistoryReport.Format(reply.Status, now)) tool.Out(line);
                        foreach (Line line in PolicyReport.Format(reply.Status, WaitingFor(client, sv, reply.Status))) tool.Out(line);
                        foreach (Line line in UsageReport.Format(reply.Status)) tool.Out(line);
                    }
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

    /// <summary>
    /// What a service whose start waits for a dependency waits for (perpd's record has the flag
    /// only): Core's DependencyWait over the dependencies files and the dependencies' status.
    /// perpstat runs in the base directory, so names are relative to it.
    /// </summary>
    private static DependencyWaitReason? WaitingFor(ControlClient client, byte[] sv, ExtendedStatus status)
    {
        if ((status.Main.Present & ExtensionFields.Policy) == 0 || (status.Main.Policy & PolicyFlags.WaitingForDependency) == 0) return null;
        try
        {
            return DependencyWait.Find(".", System.Text.Encoding.UTF8.GetString(sv).TrimEnd('/'), id => client.QueryExtended(id));
        }
        catch (ControlException)
        {
            return null;
        }
    }
}
