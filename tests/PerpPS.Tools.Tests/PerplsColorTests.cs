using System.Text;
using PerpPS.Core.Protocol;
using PerpPS.Tools.Perpls;
using static PerpPS.Tools.Tests.StatusBuilder;

namespace PerpPS.Tools.Tests;

/// <summary>perpls colour (spec §7.4): the table, the class of each panel, the escape layout.</summary>
public class PerplsColorTests
{
    private static readonly ColorTable BuiltIn = new(ColorTable.BuiltIn);

    private static string Line(ServiceRow row, ColorTable table, int width = 0) =>
        ListingFormatter.FormatRow(row, PanelView.From(row, Now), Math.Max(width, row.Name.Length), table).ToString();

    [Fact]
    public void Only_the_padded_name_is_coloured()
    {
        var row = ServiceRow.Answered(Encoding.UTF8.GetBytes("web"), Service(Sub(10, 5)));
        Assert.Equal("[+ +++ ---]  \u001b[00m\u001b[01mweb  \u001b[00m  uptime: 5s/-s  pids: 10/-", Line(row, BuiltIn, 5));
    }

    public static TheoryData<string, string> ClassCases() => new()
    {
        { "[+ +++ +++]", "an" }, { "[+ ... +++]", "ad" }, { "[+ !.. +++]", "wu" }, { "[+ !++ +++]", "wd" },
        { "[+ +++ !..]", "wu" }, { "[+ +++ !++]", "wd" }, { "[+ ++p ---]", "ap" }, { "[+ ++r ---]", "ar" },
        { "[+ +op ---]", "ap" }, { "[- --- ---]", "na" }, { "[E --- ---]", "er" }, { "[! ... ---]", "ex" }, { "[R !+r ---]", "ex" },
    };

    [Theory]
    [MemberData(nameof(ClassCases))]
    public void Colour_class_follows_the_panel(string panel, string key)
    {
        var sub = (char a, char b, char c) => new SubservicePanel(a, b, c, 1, 1);
        var view = new PanelView(panel[1], sub(panel[3], panel[4], panel[5]), sub(panel[7], panel[8], panel[9]));
        string[] keys = ["df", "na", "an", "ar", "ap", "ad", "wu", "wd", "er", "ex"];
        Assert.Equal(key, keys[(int)view.ColorClass]);
    }

    [Fact]
    public void Missing_or_overlong_keys_fall_back_to_df_whose_default_is_zero()
    {
        var table = new ColorTable("an=32:ar=0123456789abcde:er=0123456789abcd");
        Assert.Equal("32", table.Attribute(ColorClass.ActiveNormal));
        Assert.Equal("0", table.Attribute(ColorClass.ActiveResetting)); // 15 chars: too long
        Assert.Equal("0123456789abcd", table.Attribute(ColorClass.Error)); // 14 chars: fits
        Assert.Equal("0", table.Attribute(ColorClass.WantUp));
        var withDefault = new ColorTable("df=35:an=1");
        Assert.Equal("35", withDefault.Attribute(ColorClass.WantUp));
        Assert.Equal("1", withDefault.Attribute(ColorClass.ActiveNormal));
    }

    [Fact]
    public void Keys_are_scanned_as_perp_scans_them()
    {
        // A word without '=' swallows the next key: "junk:an" is one key.
        var table = new ColorTable("junk:an=31:wu=33");
        Assert.Equal("0", table.Attribute(ColorClass.ActiveNormal));
        Assert.Equal("33", table.Attribute(ColorClass.WantUp));
        Assert.Equal("01;33", BuiltIn.Attribute(ColorClass.ActiveResetting));
        Assert.Equal("01;31", BuiltIn.Attribute(ColorClass.Exception));
    }

    [Fact]
    public void Overlong_listing_keeps_the_opening_escape_and_loses_the_closing_one()
    {
        var row = ServiceRow.NotActivated(Encoding.UTF8.GetBytes(new string('x', 81)));
        Assert.Equal("[- --- ---]  \u001b[00m\u001b[00m  (service not activated)", Line(row, BuiltIn));
    }
}
