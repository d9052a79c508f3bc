using PerpPS.Core.Cli;
using PerpPS.Core.Client;
using PerpPS.Core.Protocol;
using PerpPS.Tools.Cli;
using PerpPS.Tools.Common;
using PerpPS.Tools.Io;

namespace PerpPS.Tools.Perpok;

/// <summary>
/// perpok: is a service ok? (spec §9). Exit 0 ok, 1 not ok, 111 when the question cannot
/// be answered (perpd down, no such directory, error reply), 100 usage (and a service
/// argument that is not a directory). With -v the verdict goes to standard error.
/// </summary>
internal static class PerpokTool
{
    public const string Usage = "[-hV] [-b basedir] [-u secs] [-v] sv";

    public static int Run(ToolContext tool, Argv argv)
    {
        byte[]? baseArg = null;
        uint upSeconds = 0;
        bool verbose = false;
        var opt = ClientOptions.Parse(tool, argv, "hVb:u:v", (c, o) =>
        {
            switch (c)
            {
                case 'u':
                    if (!Nuscan.TryUInt32(o.Argument!, out upSeconds))
                        throw tool.FatalUsage(new Line().S("non-numeric argument found for option -u ").B(argv.OptionArgument(o)));
                    return true;
                case 'v': verbose = true; return true;
                default: return false;
            }
        }, b => baseArg = b);
        if (opt.Index >= argv.Count) throw tool.FatalUsage("missing argument");
        byte[] sv = argv.Raw[opt.Index];

        var baseDirectory = BaseDirectory.Enter(tool, BaseChoice.ForStatus(baseArg), "failure chdir() to ");

        int errno = ServiceDirectory.Stat(sv, out var st);
        if (errno != 0) throw tool.FatalSys(errno, new Line().S("failure stat() on service directory ").B(sv));
        if (!st.IsDirectory) throw tool.FatalUsage(new Line().S("argument not a directory: ").B(sv));

        var verdict = new Verdict(tool, sv, verbose);
        if (!st.IsSticky) return verdict.Fail(new Line().S("service directory ").B(sv).S(" not activated"));

        Reply reply;
        Tai64N now;
        using (ControlClient client = DaemonConnection.Open(tool, baseDirectory))
        {
            now = Tai64N.Now();
            try
            {
                reply = client.Query(st.Id);
            }
            catch (ControlException e)
            {
                throw tool.FatalSys(e.Errno, new Line().S(e.Stage == ControlStage.Write
                    ? "failure pkt_write() to perpd control socket"
                    : "failure pkt_read() from perpd control socket"));
            }
        }
        switch (reply.Kind)
        {
            case ReplyKind.BadProtocol:
                throw tool.Fatal(ExitCode.Fatal, new Line().S("unknown protocol found in reply from perpd control socket"));
            case ReplyKind.Error:
                throw tool.FatalSys(reply.Errno, new Line().S("error reported in reply from perpd control socket"));
            case ReplyKind.BadType:
                throw tool.Fatal(ExitCode.Fatal, new Line().S("unknown packet reply type from perpd control socket"));
        }

        if (upSeconds == 0) return verdict.Ok("service is activated/ok");
        var main = reply.Status.Main;
        if (main.Pid == 0) return verdict.Fail(new Line().S("service not running (pid is 0)"));
        if ((main.Flags & SubserviceFlags.IsReset) != 0) return verdict.Fail(new Line().S("service is resetting"));
        if (main.WantsDown) return verdict.Fail(new Line().S("service wants down"));
        // No half-second munging here, unlike perpls: perpok compares the rounded figure.
        if (Tai64N.RoundedSecondsBetween(now, main.When) < upSeconds) return verdict.Fail(new Line().S("service uptime not met"));
        return verdict.Ok("service uptime ok");
    }

    /// <summary>The -v report: "PROG: SV: ok: TEXT" / "PROG: SV: fail: TEXT" on standard error.</summary>
    private sealed class Verdict(ToolContext tool, byte[] sv, bool verbose)
    {
        public int Ok(string text)
        {
            if (verbose) tool.Err(tool.Prog().S(": ").B(sv).S(": ok: ").S(text));
            return 0;
        }

        public int Fail(Line text)
        {
            if (verbose) tool.Err(tool.Prog().S(": ").B(sv).S(": fail: ").B(text.Span));
            return 1;
        }
    }
}
