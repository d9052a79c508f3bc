using PerpPS.Runtools.Common;
using PerpPS.Runtools.Interop;

namespace PerpPS.Runtools.Tools;

/// <summary>
/// runuid [-g grp] [-s | -S g1:g2...] account program [args]: as root, take the account's
/// identity (groups: the base gid only, -s the database's list, -S an explicit list of at
/// most 32), then exec (spec §13).
/// </summary>
internal static class RunUid
{
    public static int Run(string name, string[] args)
    {
        var tool = new Tool(name, "[-hV] [-g grp] [-s | -S g1:g2...] account program [args ...]");
        var opts = new OptionParser(tool, args, "g:sS:");
        string? group = null, groupList = null;
        bool databaseGroups = false;
        while (opts.Next(out char o, out string? a))
        {
            switch (o)
            {
                case 'g': group = a; break;
                case 's': databaseGroups = true; break;
                case 'S': groupList = a; break;
            }
        }
        if (databaseGroups && groupList != null) throw tool.Usage("options -s and -S are mutually exclusive");
        string[] rest = opts.Rest;
        if (rest.Length < 2) throw tool.Usage("missing arguments");
        if (Sys.Getuid() != 0) throw tool.Usage("not running as super user");
        // Read before setuid: /proc/self/environ is no longer ours to read afterwards.
        var exec = Exec.Prepare(rest[1], rest[1..], Environ.Current());

        var account = Accounts.FindUser(rest[0]) ?? throw tool.Fatal($"no account found for {rest[0]}");
        uint gid = account.Gid;
        if (group != null) gid = Accounts.FindGroup(group) ?? throw tool.Fatal($"no group found for {group}");

        int errno;
        if (databaseGroups)
        {
            errno = Identity.InitGroups(account.Name, gid);
        }
        else if (groupList != null)
        {
            var gids = new List<uint>();
            foreach (string g in groupList.Split(':', StringSplitOptions.RemoveEmptyEntries))
            {
                if (gids.Count == Identity.MaxGroups) throw tool.Usage($"too many groups in list (max {Identity.MaxGroups})");
                gids.Add(Accounts.FindGroup(g) ?? throw tool.Fatal($"no group found for {g}"));
            }
            errno = Identity.SetGroups(gids);
        }
        else
        {
            errno = Identity.SetGroups(new[] { gid });
        }
        if (errno != 0) throw tool.Fatal("failure setgroups()", errno);
        if ((errno = Identity.SetGid(gid)) != 0) throw tool.Fatal($"failure setgid() to {gid}", errno);
        if ((errno = Identity.SetUid(account.Uid)) != 0) throw tool.Fatal($"failure setuid() to {account.Uid}", errno);
        throw exec.Run(tool);
    }
}
