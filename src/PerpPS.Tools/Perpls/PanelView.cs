using PerpPS.Core.Protocol;

namespace PerpPS.Tools.Perpls;

/// <summary>
/// The 11-character perpls panel "[s m1m2m3 l1l2l3]" of one row (spec §7.3) with the
/// figures its DETAIL column prints.
/// </summary>
internal readonly record struct PanelView(char State, SubservicePanel Main, SubservicePanel Log)
{
    public static PanelView From(ServiceRow row, Tai64N now)
    {
        switch (row.Kind)
        {
            case RowKind.NotActivated: return new PanelView('-', SubservicePanel.None, SubservicePanel.None);
            case RowKind.Error: return new PanelView('E', SubservicePanel.None, SubservicePanel.None);
        }
        var status = row.Status;
        char state = SubservicePanel.ServiceState(status.Flags);
        var main = SubservicePanel.From(status.Main, now);
        var log = status.HasLog ? SubservicePanel.From(status.Log, now) : SubservicePanel.None;
        return new PanelView(state, main, log);
    }

    /// <summary>The panel text, e.g. "[+ +++ ---]".</summary>
    public override string ToString() => SubservicePanel.Text(State, Main, Log);

    /// <summary>The colour class perpls gives this row's name (spec §7.4).</summary>
    public ColorClass ColorClass
    {
        get
        {
            switch (State)
            {
                case 'E': return ColorClass.Error;
                case '!' or 'R': return ColorClass.Exception;
                case '-': return ColorClass.NotActive;
                case '+': break;
                default: return ColorClass.Error;
            }
            if (Main.C1 == '!') return Main.C2 == '.' ? ColorClass.WantUp : ColorClass.WantDown;
            if (Log.C1 == '!') return Log.C2 == '.' ? ColorClass.WantUp : ColorClass.WantDown;
            if (Main.C2 == '.') return ColorClass.ActiveDown;
            return Main.C3 switch
            {
                'p' => ColorClass.ActivePaused,
                'r' => ColorClass.ActiveResetting,
                _ => ColorClass.ActiveNormal,
            };
        }
    }
}
