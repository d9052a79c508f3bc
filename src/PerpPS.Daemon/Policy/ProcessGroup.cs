namespace PerpPS.Daemon.Policy;

/// <summary>
/// Whether a process group still has a living member. kill(-pgid, 0) also succeeds for
/// zombies (a service's orphaned children not yet reaped by init), which need no SIGKILL
/// and no warning, so the members are looked up in /proc.
/// </summary>
internal static class ProcessGroup
{
    public static bool HasLivingMember(int group)
    {
        if (group <= 0 || Core.Interop.Libc.Kill(-group, 0) != 0) return false;
        try
        {
            foreach (string dir in Directory.EnumerateDirectories("/proc"))
            {
                string name = Path.GetFileName(dir);
                if (name.Length == 0 || name[0] < '1' || name[0] > '9') continue;
                string stat;
                try
                {
                    stat = File.ReadAllText(Path.Combine(dir, "stat"));
                }
                catch (IOException)
                {
                    continue; // gone meanwhile
                }
                int close = stat.LastIndexOf(')');
                if (close < 0 || close + 4 >= stat.Length) continue;
                // After "comm)": " S ppid pgrp ..."
                var rest = stat.AsSpan(close + 2);
                char state = rest[0];
                rest = rest[2..];
                rest = rest[(rest.IndexOf(' ') + 1)..];
                int end = rest.IndexOf(' ');
                if (end > 0 && int.TryParse(rest[..end], out int pgrp) && pgrp == group && state is not ('Z' or 'X'))
                    return true;
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return true; // cannot tell: treat it as alive
        }
        return false;
    }
}
