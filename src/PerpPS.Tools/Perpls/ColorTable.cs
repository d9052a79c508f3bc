namespace PerpPS.Tools.Perpls;

/// <summary>perpls's colour classes, in the order of their keys (spec §7.4).</summary>
internal enum ColorClass
{
    /// <summary>df: the default for any key the table lacks.</summary>
    Default,
    /// <summary>na: not activated.</summary>
    NotActive,
    /// <summary>an: active, normal.</summary>
    ActiveNormal,
    /// <summary>ar: active, resetting.</summary>
    ActiveResetting,
    /// <summary>ap: active, paused.</summary>
    ActivePaused,
    /// <summary>ad: active, down.</summary>
    ActiveDown,
    /// <summary>wu: wants up.</summary>
    WantUp,
    /// <summary>wd: wants down.</summary>
    WantDown,
    /// <summary>er: error.</summary>
    Error,
    /// <summary>ex: exception (deactivation/reactivation in progress).</summary>
    Exception,
}

/// <summary>
/// The PERPLS_COLORS table ("key=attr:key=attr…"): each class's SGR attribute. A key that
/// is missing, or whose attribute is 15 bytes or longer, takes df's attribute, and df's
/// own default is "0" — as perp's captab does.
/// </summary>
internal sealed class ColorTable
{
    /// <summary>The built-in table -G uses when PERPLS_COLORS is unset or empty.</summary>
    public const string BuiltIn = "df=00:na=00:an=01:ar=01;33:ap=01;33:ad=01;34:wu=01;33:wd=01;33:er=01;31:ex=01;31";

    private const int AttributeMax = 15;
    private static readonly string[] Keys = ["df", "na", "an", "ar", "ap", "ad", "wu", "wd", "er", "ex"];
    private readonly string[] _attributes = new string[Keys.Length];

    public ColorTable(string database)
    {
        Database = database;
        for (int i = 0; i < Keys.Length; i++)
        {
            string? found = Lookup(database, Keys[i]);
            _attributes[i] = found != null && found.Length < AttributeMax
                ? found
                : i == 0 ? "0" : _attributes[0];
        }
    }

    /// <summary>The table text this was built from (what -K prints).</summary>
    public string Database { get; }

    public string Attribute(ColorClass c) => _attributes[(int)c];

    /// <summary>
    /// The attribute of <paramref name="key"/> in the table, null when absent. Scanned as
    /// perp scans it: a key runs to the next '=' (even across a ':'), its attribute to the
    /// next ':'.
    /// </summary>
    private static string? Lookup(string database, string key)
    {
        int start = 0;
        while (start < database.Length)
        {
            int eq = database.IndexOf('=', start);
            if (eq < 0) return null;
            int end = database.IndexOf(':', eq + 1);
            if (end < 0) end = database.Length;
            if (eq - start == key.Length && string.CompareOrdinal(database, start, key, 0, key.Length) == 0)
                return database[(eq + 1)..end];
            start = end < database.Length ? end + 1 : end;
        }
        return null;
    }
}
