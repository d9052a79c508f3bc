using PerpPS.Core.Posix;
using PerpPS.Core.Protocol;
using PerpPS.Tools.Io;

namespace PerpPS.Tools.Perpls;

/// <summary>
/// perpls's lines, character for character (spec §7.2): "PANEL␠␠NAME[pad]␠␠DETAIL". Names
/// are padded to the longest one in the listing; when that is over 80 bytes perp's pad
/// helper gives up and the name is left out of every line (and, in colour, the closing
/// ESC[00m with it) — reproduced, since it is what users of perp see.
/// </summary>
internal static class ListingFormatter
{
    public const int PadMax = 80;

    /// <summary>Every line of the listing, in the order of <paramref name="rows"/>.</summary>
    public static IEnumerable<Line> Format(IReadOnlyList<ServiceRow> rows, Tai64N now, ColorTable? colors)
    {
        int width = 0;
        foreach (var row in rows) width = Math.Max(width, row.Name.Length);
        foreach (var row in rows) yield return FormatRow(row, PanelView.From(row, now), width, colors);
    }

    public static Line FormatRow(ServiceRow row, PanelView panel, int width, ColorTable? colors)
    {
        var line = new Line().S(panel.ToString()).S("  ");
        bool named = width <= PadMax;
        if (colors != null)
        {
            line.S("\u001b[00m\u001b[").S(colors.Attribute(panel.ColorClass)).S("m");
            if (named) AppendPadded(line, row.Name, width).S("\u001b[00m");
        }
        else if (named)
        {
            AppendPadded(line, row.Name, width);
        }

        switch (panel.State)
        {
            case 'E':
                line.S("  error: ").S(row.ErrorMessage ?? "").S(" [").S(Errno.Name(row.Errno)).S("]");
                break;
            case '+':
                line.S("  uptime: ")
                    .S(panel.Main.ShowsNumbers ? Number(panel.Main.Uptime) : "-").S("s/")
                    .S(panel.Log.ShowsNumbers ? Number(panel.Log.Uptime) : "-").S("s")
                    .S("  pids: ")
                    .S(panel.Main.ShowsNumbers ? panel.Main.Pid.ToString(System.Globalization.CultureInfo.InvariantCulture) : "-").S("/")
                    .S(panel.Log.ShowsNumbers ? panel.Log.Pid.ToString(System.Globalization.CultureInfo.InvariantCulture) : "-");
                break;
            case '-':
                line.S("  (service not activated)");
                break;
            case '!':
                line.S("  (service deactivation in progress)");
                break;
            case 'R':
                line.S("  (service reactivation in progress)");
                break;
        }
        return line;
    }

    // perp formats uptimes with nfmt_uint32: the low 32 bits of the 64-bit figure.
    private static string Number(ulong seconds) =>
        unchecked((uint)seconds).ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static Line AppendPadded(Line line, byte[] name, int width) =>
        line.B(name.AsSpan(0, Math.Min(name.Length, width))).Repeat((byte)' ', width - name.Length);
}
