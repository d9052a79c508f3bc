using PerpPS.Core.Client;
using PerpPS.Core.Posix;
using PerpPS.Core.Protocol;
using PerpPS.Tools.Perpls;

namespace PerpPS.Tools.Common;

/// <summary>
/// The rows of a listing (perpls, perpmetrics) in as few round trips as perpd allows: every
/// sticky directory is stat()ed, then all are asked in one bulk request (protocol extension,
/// docs/protocol-extensions.md); against perp 2.07's perpd, or if the bulk exchange fails,
/// each is asked with its own Q exactly as perp's perpls does, so rows (and their error
/// messages) are what a Q per service gives. A listing that does not show the cgroup
/// figures (perpls's panel) asks without them (<see cref="ListFlags.NoCgroupFigures"/>):
/// reading them is most of what the bulk request costs perpd. A listing of the base passes
/// the stats it took while reading the directory (<paramref name="statuses"/>), so each
/// service is stat()ed once.
/// </summary>
internal static class ServiceRows
{
    public static List<ServiceRow> Gather(ControlClient client, List<byte[]> names, Func<ControlClient, byte[], ServiceRow> queryOne, ListFlags flags,
        List<FileStatus>? statuses = null)
    {
        var rows = new ServiceRow?[names.Count];
        var ids = new List<ServiceId>(names.Count);
        var at = new List<int>(names.Count);
        for (int i = 0; i < names.Count; i++)
        {
            FileStatus st;
            int errno = 0;
            if (statuses != null) st = statuses[i];
            else errno = ServiceDirectory.Stat(names[i], out st);
            if (errno != 0) rows[i] = ServiceRow.Failed(names[i], "failure stat() on service directory", errno);
            else if (!st.IsDirectory) rows[i] = ServiceRow.Failed(names[i], "not a directory", Errno.ENOTDIR);
            else if (!st.IsSticky) rows[i] = ServiceRow.NotActivated(names[i]);
            else
            {
                ids.Add(st.Id);
                at.Add(i);
            }
        }
        ExtendedReply[]? replies = null;
        try
        {
            if (ids.Count > 0) replies = client.QueryMany(ids.ToArray(), flags);
        }
        catch (ControlException)
        {
            replies = null; // ask one by one: each row then says what failed, as perp's perpls does
        }
        for (int k = 0; k < at.Count; k++)
        {
            int i = at[k];
            if (replies == null)
            {
                rows[i] = queryOne(client, names[i]);
                continue;
            }
            var r = replies[k];
            rows[i] = r.Kind switch
            {
                ReplyKind.Status => ServiceRow.Answered(names[i], r.Status),
                ReplyKind.Error => ServiceRow.Failed(names[i], "error reported in status reply", r.Errno),
                ReplyKind.BadProtocol => ServiceRow.Failed(names[i], "unknown packet protocol in status reply", Errno.EPROTO),
                _ => ServiceRow.Failed(names[i], "unknown packet type in status reply", Errno.EPROTO),
            };
        }
        return [.. rows.Select(r => r!)];
    }
}
