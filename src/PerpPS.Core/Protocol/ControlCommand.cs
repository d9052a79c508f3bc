namespace PerpPS.Core.Protocol;

/// <summary>
/// The command characters perpd accepts in a C packet (spec §6.2). 'A' and 'X' are
/// client-side (sticky bit + SIGHUP) and never travel on the wire.
/// </summary>
public static class ControlCommand
{
    public const byte Up = (byte)'u';
    public const byte Down = (byte)'d';
    public const byte Once = (byte)'o';
    public const byte Pause = (byte)'p';
    public const byte Continue = (byte)'c';
    public const byte Alarm = (byte)'a';
    public const byte Hangup = (byte)'h';
    public const byte Interrupt = (byte)'i';
    public const byte Kill = (byte)'k';
    public const byte Quit = (byte)'q';
    public const byte Terminate = (byte)'t';
    public const byte WindowChange = (byte)'w';
    public const byte User1 = (byte)'1';
    public const byte User2 = (byte)'2';
    /// <summary>Meta: down main, then down log.</summary>
    public const byte DownAll = (byte)'D';
    /// <summary>Meta: up log, then up main.</summary>
    public const byte UpAll = (byte)'U';

    /// <summary>
    /// The signal a signalling command letter stands for, or 0 for a letter that is not a
    /// plain signal command.
    /// </summary>
    public static int SignalOf(byte command) => command switch
    {
        Alarm => 14,
        Continue => 18,
        Hangup => 1,
        Interrupt => 2,
        Kill => 9,
        Quit => 3,
        Terminate => 15,
        WindowChange => 28,
        User1 => 10,
        User2 => 12,
        _ => 0,
    };

    /// <summary>Whether perpd knows this command letter.</summary>
    public static bool IsKnown(byte command) =>
        command is Up or Down or Once or Pause or DownAll or UpAll || SignalOf(command) != 0;
}
