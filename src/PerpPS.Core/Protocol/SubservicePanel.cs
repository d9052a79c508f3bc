namespace PerpPS.Core.Protocol;

/// <summary>
/// perpls's reading of one sub-service (spec §7.3), the one rule perpls and the module's
/// Status/Panel share: the panel triplet ("+++", "!..", "+op", ...), the uptime in perp's
/// rounded seconds, and the pid shown (0 where perpls hides it). "now" is taken once per
/// connection by the caller, as perpls does.
/// </summary>
public readonly record struct SubservicePanel(char C1, char C2, char C3, ulong Uptime, uint Pid)
{
    /// <summary>The "---" of a service without a log (or a row without a status).</summary>
    public static SubservicePanel None => new('-', '-', '-', 0, 0);

    /// <summary>The triplet as text, e.g. "+o+".</summary>
    public string Triplet => new([C1, C2, C3]);

    /// <summary>Whether perpls prints this sub-service's uptime and pid (middle char + or o).</summary>
    public bool ShowsNumbers => C2 is '+' or 'o';

    public static SubservicePanel From(SubserviceStatus sub, Tai64N now)
    {
        ulong uptime = Tai64N.RoundedSecondsBetween(now, sub.When);
        uint pid = sub.Pid;
        char state = pid != 0 ? '+' : '.';
        char c1 = state, c2 = state, c3 = state;
        if ((pid == 0 && !sub.WantsDown) || (pid != 0 && sub.WantsDown)) c1 = '!';
        if (pid != 0)
        {
            if (sub.IsOnce) c2 = 'o';
            if (sub.IsPaused) c3 = 'p';
            if (sub.IsResetting) c3 = 'r';
            // A start younger than half a second is shown as "wanting up", without its pid: it
            // may be a start about to fail, or one still waiting out the respawn governor (§3.7).
            if (uptime < 1 && !sub.IsResetting)
            {
                pid = 0;
                c1 = '!';
                c2 = '.';
                c3 = '.';
            }
        }
        return new SubservicePanel(c1, c2, c3, uptime, pid);
    }

    /// <summary>
    /// The panel's first character for a service (spec §7.3): '+' active, '!' being
    /// deactivated, 'R' being reactivated (cull with cycle).
    /// </summary>
    public static char ServiceState(ServiceFlags flags) =>
        (flags & ServiceFlags.Cull) == 0 ? '+' : (flags & ServiceFlags.Cycle) != 0 ? 'R' : '!';

    /// <summary>
    /// The 11-character panel "[s m1m2m3 l1l2l3]" (spec §7.3), e.g. "[+ +++ ---]". The same
    /// few panels recur across a base, so a listing of 10,000 services shares them (issue #13:
    /// one string fewer per object of Get-PerpService) through a small cache of the last ones
    /// made, by their seven characters.
    /// </summary>
    public static string Text(char state, in SubservicePanel main, in SubservicePanel log)
    {
        ulong key = Key(state, main, log);
        int slot = (int)((key * 0x9E3779B97F4A7C15UL) >> 58); // 64 slots
        if (key != 0 && Volatile.Read(ref Recent[slot]) is { } hit && hit.Key == key) return hit.Value;
        var text = string.Create(11, (state, main, log), static (s, p) =>
        {
            s[0] = '[';
            s[1] = p.state;
            s[2] = ' ';
            s[3] = p.main.C1; s[4] = p.main.C2; s[5] = p.main.C3;
            s[6] = ' ';
            s[7] = p.log.C1; s[8] = p.log.C2; s[9] = p.log.C3;
            s[10] = ']';
        });
        // A whole entry is swapped in, so a reader on another thread sees a key with its own text.
        if (key != 0) Volatile.Write(ref Recent[slot], new RecentPanel(key, text));
        return text;
    }

    private static readonly RecentPanel?[] Recent = new RecentPanel?[64];

    private sealed class RecentPanel(ulong key, string value)
    {
        public readonly ulong Key = key;
        public readonly string Value = value;
    }

    // The seven characters, a byte each; 0 (not cached) when one is not ASCII.
    private static ulong Key(char state, in SubservicePanel main, in SubservicePanel log)
    {
        ulong key = 0;
        foreach (char c in (ReadOnlySpan<char>)[state, main.C1, main.C2, main.C3, log.C1, log.C2, log.C3])
        {
            if (c is '\0' or > '\x7f') return 0;
            key = (key << 8) | c;
        }
        return key;
    }
}
