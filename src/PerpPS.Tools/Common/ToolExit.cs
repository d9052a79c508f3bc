namespace PerpPS.Tools.Common;

/// <summary>
/// Ends a tool with an exit code once its message is out: perp's die(), fatal() and
/// fatal_usage() stop the program where they are called, and this is how the tools do it
/// without threading a return code through every step.
/// </summary>
internal sealed class ToolExit(int code) : Exception($"exit {code}")
{
    public int Code { get; } = code;
}
