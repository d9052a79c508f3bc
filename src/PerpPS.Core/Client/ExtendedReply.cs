using PerpPS.Core.Protocol;

namespace PerpPS.Core.Client;

/// <summary>
/// A status answer of the extension API: <see cref="ReplyKind.Status"/> with
/// <see cref="Status"/> set (check <see cref="ExtendedStatus.HasExtension"/>: false when it
/// came from a perpd that only speaks v2), or an error/bad reply classified as perp's clients
/// classify a Q reply.
/// </summary>
public readonly record struct ExtendedReply(ReplyKind Kind, int Errno, ExtendedStatus Status)
{
    public bool HasStatus => Kind == ReplyKind.Status;

    /// <summary>The v2 view of this answer, for code written against <see cref="Reply"/>.</summary>
    public Reply ToReply() => new(Kind, Errno, Status.Status);

    public static ExtendedReply FromV2(ServiceId id, Reply reply) =>
        new(reply.Kind, reply.Errno, reply.Kind == ReplyKind.Status ? ExtendedStatus.FromV2(id, reply.Status) : default);
}

/// <summary>Whether the perpd on a connection speaks PerpPS's protocol extension.</summary>
public enum ExtensionSupport
{
    /// <summary>Not asked yet on this connection.</summary>
    Unknown,
    /// <summary>perpd answered an extension packet.</summary>
    Supported,
    /// <summary>perpd answered EPROTO (perp 2.07): only Q and C work.</summary>
    NotSupported,
}

/// <summary>Takes one reply of a bulk status read: the index of its id among those asked for, and the reply.</summary>
public delegate void ReplySink(int index, in ExtendedReply reply);
