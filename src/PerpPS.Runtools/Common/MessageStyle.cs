namespace PerpPS.Runtools.Common;

/// <summary>The three message shapes perp's programs use (spec §14.2).</summary>
internal enum MessageStyle
{
    /// <summary>runtools and sissylog: "PROG: fatal: ...", "PROG: usage error: ...".</summary>
    Runtool,
    /// <summary>tinylog: "error: tinylog[PID]: fatal: ...", "warning: tinylog[PID]: ...".</summary>
    Daemon,
    /// <summary>perp's clients and perpboot: "PROG fatal: ...", "PROG usage error: ...".</summary>
    Client,
}
