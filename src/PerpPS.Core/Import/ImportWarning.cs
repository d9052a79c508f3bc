namespace PerpPS.Core.Import;

/// <summary>
/// Something of the source the import could not carry over, or carried over only in part:
/// the file it is in, the line (0 when the whole file is meant) and what happened.
/// </summary>
public sealed record ImportWarning(string SourceFile, int Line, string Message)
{
    /// <summary>"FILE:LINE: MESSAGE" (or "FILE: MESSAGE"), as compilers print it.</summary>
    public override string ToString() =>
        Line > 0 ? $"{SourceFile}:{Line}: {Message}" : $"{SourceFile}: {Message}";
}
