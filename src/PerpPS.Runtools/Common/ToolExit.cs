namespace PerpPS.Runtools.Common;

/// <summary>
/// Ends a program with an exit code after its message has been written. Thrown rather
/// than calling Environment.Exit so that finally blocks and the dispatcher stay in charge.
/// </summary>
internal sealed class ToolExit : Exception
{
    public ToolExit(int code) : base($"exit {code}") => Code = code;

    public int Code { get; }
}
