using PerpPS.Core.Protocol;

namespace PerpPS.Tools.Perpls;

/// <summary>What perpls learnt about one service before formatting it.</summary>
internal enum RowKind
{
    /// <summary>Not sticky: no query is made ("[- --- ---]").</summary>
    NotActivated,
    /// <summary>stat failed, not a directory, an I/O error or an error reply ("[E --- ---]").</summary>
    Error,
    /// <summary>perpd answered with a status record.</summary>
    Status,
}

/// <summary>One line of perpls: the name as given (bytes) and what the query found.</summary>
/// <remarks><see cref="Extended"/> carries the protocol extension's figures when perpd sent them (HasExtension).</remarks>
internal sealed record ServiceRow(byte[] Name, RowKind Kind, StatusRecord Status = default, string? ErrorMessage = null, int Errno = 0,
    ExtendedStatus Extended = default, PerpPS.Core.Policy.DependencyWaitReason? WaitingFor = null)
{
    public static ServiceRow NotActivated(byte[] name) => new(name, RowKind.NotActivated);

    public static ServiceRow Failed(byte[] name, string message, int errno) => new(name, RowKind.Error, default, message, errno);

    public static ServiceRow Answered(byte[] name, StatusRecord status) => new(name, RowKind.Status, status);

    public static ServiceRow Answered(byte[] name, ExtendedStatus status) => new(name, RowKind.Status, status.Status, Extended: status);
}
