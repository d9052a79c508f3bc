using PerpPS.Core.Protocol;

namespace PerpPS.Core.Tests;

/// <summary>perpls's panel text (spec §7.3) and its cache of recent panels (issue #13).</summary>
public class SubservicePanelTests
{
    private static SubservicePanel P(string t) => new(t[0], t[1], t[2], 0, 0);

    private static readonly string[] Triplets = ["+++", "...", "!..", "+o+", "+op", "++r", "!+r", "!++", "---", "++p"];

    [Fact]
    public void Text_is_the_eleven_character_panel_for_every_combination_and_again_when_cached()
    {
        // More combinations than the cache has slots, twice over, so slots are shared and
        // replaced: every lookup must still give its own panel.
        for (int round = 0; round < 2; round++)
            foreach (char state in "+!R")
                foreach (string main in Triplets)
                    foreach (string log in Triplets)
                        Assert.Equal($"[{state} {main} {log}]", SubservicePanel.Text(state, P(main), P(log)));
    }

    [Fact]
    public void A_repeated_panel_is_one_string()
    {
        var first = SubservicePanel.Text('+', P("+++"), P("+++"));
        Assert.Same(first, SubservicePanel.Text('+', P("+++"), P("+++")));
        Assert.Equal("[+ +++ +++]", first);
    }

    [Fact]
    public void A_character_outside_ascii_is_written_as_it_is()
    {
        Assert.Equal("[é +++ ---]", SubservicePanel.Text('é', P("+++"), SubservicePanel.None));
        Assert.Equal("[+ +++ ---]", SubservicePanel.Text('+', P("+++"), SubservicePanel.None));
    }
}
