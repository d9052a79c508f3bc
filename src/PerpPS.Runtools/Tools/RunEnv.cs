using PerpPS.Core.Posix;
using PerpPS.Runtools.Common;

namespace PerpPS.Runtools.Tools;

/// <summary>
/// runenv [-i] [-U acct] newenv program [args]: change the environment from a file
/// ("k=v" sets, "k=" sets empty, bare "k" unsets), a directory (one file per variable,
/// its first line the value, empty = unset) or stdin ("-"), then exec (spec §13).
/// </summary>
internal static class RunEnv
{
    public static int Run(string name, string[] args)
    {
        var tool = new Tool(name, "[-hV] [-i] [-U acct] newenv program [args ...]");
        var opts = new OptionParser(tool, args, "iU:");
        bool empty = false;
        string? account = null;
        while (opts.Next(out char o, out string? a))
        {
            if (o == 'i') empty = true;
            else if (o == 'U') account = a;
        }
        string[] rest = opts.Rest;
        if (rest.Length < 2) throw tool.Usage("missing arguments");

        var env = Environ.Current();
        if (empty) env.Clear();
        if (account != null)
        {
            var acct = Accounts.FindUser(account) ?? throw tool.Fatal($"account {account} not found");
            env.Set("GID", acct.Gid.ToString());
            env.Set("UID", acct.Uid.ToString());
        }
        EnvFile.Apply(tool, rest[0], env);
        throw Exec.Run(tool, rest[1], rest[1..], env);
    }
}
