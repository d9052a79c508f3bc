using PerpPS.Core.Client;
using PerpPS.Core.Posix;
using PerpPS.Core.Protocol;
using PerpPS.Tools.Cli;
using PerpPS.Tools.Common;
using PerpPS.Tools.Interop;
using PerpPS.Tools.Io;

namespace PerpPS.Tools.Perpls;

/// <summary>
/// perpls: one line per service with the status panel (spec §7). Connects to perpd even
/// when nothing is active, and prints no listing at all when it cannot. Exit 0 whenever a
/// listing was produced, even if every line is an error.
/// </summary>
internal static class PerplsTool
{
    // perp's usage line, unchanged (-j is a PerpPS addition, documented in NOTES.md).
    public const string Usage = "[-hV] [-b basedir] [-cGgrt] [sv ...]";

    public static int Run(ToolContext tool, Argv argv)
    {
        byte[]? baseArg = null;
        bool forceColor = false, useColor = true, showColors = false, reverse = false, byUptime = false, json = false;
        var opt = ClientOptions.Parse(tool, argv, "hVb:cGgjKrt", (c, _) =>
        {
            switch (c)
            {
                case 'c': baseArg = "."u8.ToArray(); return true;   // last of -b/-c wins
                case 'G': forceColor = true; useColor = true; return true;
                case 'g': forceColor = false; useColor = false; return true;
                case 'K': showColors = true; return true;
                case 'r': reverse = true; return true;
                case 't': byUptime = true; return true;
                case 'j': json = true; return true;
                default: return false;
            }
        }, b => baseArg = b);

        ColorTable? colors = useColor && !json ? ChooseColors(forceColor) : null;
        if (colors != null && showColors)
        {
            tool.Err(tool.Prog().S(": color capabilities: ").S(colors.Database));
            return 0;
        }

        var baseDirectory = BaseDirectory.Enter(tool, BaseChoice.ForControl(baseArg), "unable to chdir() to ");

        List<byte[]> names;
        List<FileStatus>? statuses = null;
        bool fromDirectory = opt.Index >= argv.Count;
        if (fromDirectory)
        {
            int listError = BaseListing.Read(out names, out statuses);
            if (listError != 0)
                throw tool.FatalSys(listError, new Line().S("failure opendir() on base directory ").B(baseDirectory.Given));
        }
        else
        {
            names = [.. argv.Raw[opt.Index..]];
        }

        var rows = new List<ServiceRow>(names.Count);
        Tai64N now;
        using (ControlClient client = DaemonConnection.Open(tool, baseDirectory))
        {
            now = Tai64N.Now();
            // perp's panel never shows the cgroup figures; -j does (processes, cpuSeconds).
            rows.AddRange(ServiceRows.Gather(client, names, Query, json ? ListFlags.None : ListFlags.NoCgroupFigures, statuses));
        }

        if (byUptime) rows.Sort(ListingOrder.ByUptime(now));
        else if (fromDirectory) rows.Sort(ListingOrder.ByName);
        if (reverse) rows.Reverse();

        if (json) foreach (var row in rows) tool.Out(StatusJson.Format(row, now));
        else foreach (Line line in ListingFormatter.Format(rows, now, colors)) tool.Out(line);
        tool.Output.Flush();
        return 0;
    }

    /// <summary>
    /// -G forces colour (the built-in table when PERPLS_COLORS is unset or empty);
    /// otherwise colour needs a non-empty PERPLS_COLORS and a terminal on standard output.
    /// </summary>
    private static ColorTable? ChooseColors(bool force)
    {
        string? db = Environment.GetEnvironmentVariable("PERPLS_COLORS");
        if (force) return new ColorTable(string.IsNullOrEmpty(db) ? ColorTable.BuiltIn : db);
        if (string.IsNullOrEmpty(db) || ToolsLibc.IsATty(1) == 0) return null;
        return new ColorTable(db);
    }

    /// <summary>stat, then a Q packet for a sticky directory; each failure becomes an E row.</summary>
    internal static ServiceRow Query(ControlClient client, byte[] name)
    {
        int errno = ServiceDirectory.Stat(name, out var st);
        if (errno != 0) return ServiceRow.Failed(name, "failure stat() on service directory", errno);
        if (!st.IsDirectory) return ServiceRow.Failed(name, "not a directory", Errno.ENOTDIR);
        if (!st.IsSticky) return ServiceRow.NotActivated(name);
        Reply reply;
        try
        {
            reply = client.Query(st.Id);
        }
        catch (ControlException e)
        {
            return ServiceRow.Failed(name,
                e.Stage == ControlStage.Write ? "failure pkt_write() during status query" : "failure pkt_read() during status query",
                e.Errno);
        }
        return reply.Kind switch
        {
            ReplyKind.Status => ServiceRow.Answered(name, reply.Status),
            ReplyKind.Error => ServiceRow.Failed(name, "error reported in status reply", reply.Errno),
            ReplyKind.BadProtocol => ServiceRow.Failed(name, "unknown packet protocol in status reply", Errno.EPROTO),
            _ => ServiceRow.Failed(name, "unknown packet type in status reply", Errno.EPROTO),
        };
    }
}
