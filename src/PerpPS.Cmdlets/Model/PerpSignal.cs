namespace PerpPS.Cmdlets;

/// <summary>
/// The signals perpd delivers on request (spec §6.2), named without the SIG prefix; the
/// value is perpctl's command letter.
/// </summary>
public enum PerpSignal
{
    ALRM = 'a',
    CONT = 'c',
    HUP = 'h',
    INT = 'i',
    KILL = 'k',
    QUIT = 'q',
    TERM = 't',
    WINCH = 'w',
    USR1 = '1',
    USR2 = '2',
}
