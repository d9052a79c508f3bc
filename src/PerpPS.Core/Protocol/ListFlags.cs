namespace PerpPS.Core.Protocol;

/// <summary>
/// The flags byte of an L (bulk status) request (docs/protocol-extensions.md). Bits perpd
/// does not know are ignored, so a client may always set them: an older perpd answers as
/// with 0.
/// </summary>
[Flags]
public enum ListFlags : byte
{
    /// <summary>Every figure, as X gives it.</summary>
    None = 0,
    /// <summary>
    /// Leave out the cgroup figures (process count, CPU time): perpd reads no cgroup file
    /// for the records, leaves them 0 and clears <see cref="ExtensionFields.Cgroup"/>. For
    /// listings that do not show them (perpls's panel): reading them is most of what an L costs.
    /// </summary>
    NoCgroupFigures = 0x1,
}
