using PerpPS.Core.Interop;
using PerpPS.Core.Cli;
using PerpPS.Core.Client;
using PerpPS.Core.Posix;
using PerpPS.Core.Protocol;
using PerpPS.Tools.Cli;
using PerpPS.Tools.Common;
using PerpPS.Tools.Io;

namespace PerpPS.Tools.Perpctl;

/// <summary>
/// perpctl: send a control command to perpd for each service (spec §6). Only the first
/// character of the command word counts ("usr1" means up, "Up" meta-up, as in perp). Every
/// message goes to standard error; exit 111 if any service failed, else 0.
/// </summary>
internal static class PerpctlTool
{
    public const string Usage = "[-hV] [-b basedir] [-g] [-L] [-q] [ADUXduopcahikqtw12] sv [sv ...]";

    public static int Run(ToolContext tool, Argv argv)
    {
        byte[]? baseArg = null;
        bool group = false, log = false, quiet = false;
        var opt = ClientOptions.Parse(tool, argv, "hVb:gLq", (c, _) => c switch
        {
            'g' => group = true,
            'L' => log = true,
            'q' => quiet = true,
            _ => false,
        }, b => baseArg = b, colon: true);

        int next = opt.Index;
        if (next >= argv.Count)
        {
            tool.Err(tool.Prog().S(": usage error: missing arguments"));
            throw tool.DieUsage();
        }
        byte[] word = argv.Raw[next];
        byte command = word.Length > 0 ? word[0] : (byte)0;
        int sticky = 0;
        var flags = CommandFlags.None;
        switch (command)
        {
            case (byte)'A': sticky = +1; break;
            case (byte)'X': sticky = -1; break;
            case ControlCommand.DownAll:
            case ControlCommand.UpAll:
                if (log)
                    throw tool.FatalUsage(new Line().S("meta-command '").B(word).S("' may not be used with option -L"));
                break;
            default:
                if (!ControlCommand.IsKnown(command))
                    throw tool.FatalUsage(new Line().S("unknown control command '").B(word).S("'"));
                if (log) flags |= CommandFlags.Log;
                break;
        }
        next++;
        if (next >= argv.Count) throw tool.FatalUsage("missing argument: no service(s) specified");
        byte[][] services = argv.Raw[next..];

        var baseDirectory = BaseDirectory.Enter(tool, BaseChoice.ForControl(baseArg), "unable to chdir() to ");

        var run = new Session(tool, quiet);
        if (sticky != 0)
        {
            run.SetSticky(sticky > 0, services, baseDirectory);
        }
        else
        {
            if (group) flags |= CommandFlags.KillProcessGroup;
            run.Control(command, flags, services, baseDirectory);
        }
        return run.Errors > 0 ? ExitCode.Fatal : 0;
    }

    /// <summary>One perpctl run: its error count and its -q setting.</summary>
    private sealed class Session(ToolContext tool, bool quiet)
    {
        public int Errors { get; private set; }

        private void Error(byte[] sv, string text)
        {
            Errors++;
            tool.Err(new Line().S("error: ").B(sv).S(text));
        }

        private void Report(Line line)
        {
            if (!quiet) tool.Err(line);
        }

        /// <summary>A and X: chmod the sticky bit of each service, then SIGHUP perpd.</summary>
        public unsafe void SetSticky(bool activate, byte[][] services, BaseDirectory baseDirectory)
        {
            string what = activate ? "activation" : "deactivation";
            ulong count = 0;
            foreach (byte[] sv in services)
            {
                if (ServiceDirectory.Stat(sv, out var st) != 0) { Error(sv, ": service directory not found"); continue; }
                if (!st.IsDirectory) { Error(sv, ": not a directory"); continue; }
                uint mode = activate ? st.Mode | FileStatus.S_ISVTX : st.Mode & ~FileStatus.S_ISVTX;
                byte[] path = NativePath.ToBytes(sv);
                int rc;
                fixed (byte* p = path) rc = Libc.Chmod(p, mode & FileModes.ChmodBits);
                // perp prints just "error: SV" here, with no reason at all.
                if (rc != 0) { Error(sv, ""); continue; }
                count++;
                Report(new Line().B(sv).S(": set for " + what));
            }
            DaemonConnection.Signal(tool, baseDirectory, SignalNames.SIGHUP, "SIGHUP");
            Report(new Line().S("rescan triggered for " + what + " set on ").N(count).S(count == 1 ? " service" : " services"));
        }

        /// <summary>Every other command: one C packet per service over one connection.</summary>
        public void Control(byte command, CommandFlags flags, byte[][] services, BaseDirectory baseDirectory)
        {
            using ControlClient client = DaemonConnection.Open(tool, baseDirectory);
            foreach (byte[] sv in services)
            {
                if (ServiceDirectory.Stat(sv, out var st) != 0) { Error(sv, ": service directory not found"); continue; }
                if (!st.IsDirectory) { Error(sv, ": not a directory"); continue; }
                if (!st.IsSticky) { Error(sv, ": service directory not activated"); continue; }
                Reply reply;
                try
                {
                    reply = client.Command(st.Id, command, flags);
                }
                catch (ControlException e)
                {
                    Error(sv, (e.Stage == ControlStage.Write ? ": error writing request: " : ": error reading response: ")
                        + Errno.Describe(e.Errno));
                    continue;
                }
                switch (reply.Kind)
                {
                    case ReplyKind.BadProtocol: Error(sv, ": unknown packet protocol in reply"); continue;
                    case ReplyKind.Status:
                    case ReplyKind.BadType: Error(sv, ": unknown packet type in reply"); continue;
                }
                if (reply.Errno != 0) { Error(sv, ": error reported in reply: " + Errno.Describe(reply.Errno)); continue; }
                Report(new Line().B(sv).S(": ok"));
            }
        }
    }
}
