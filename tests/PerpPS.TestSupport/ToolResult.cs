namespace PerpPS.TestSupport;

/// <summary>What a finished program left: its exit code and both output streams.</summary>
public sealed record ToolResult(int ExitCode, string Stdout, string Stderr)
{
    public override string ToString() => $"exit {ExitCode}\n--stdout--\n{Stdout}--stderr--\n{Stderr}";
}
