using PerpPS.Core.Protocol;

namespace PerpPS.Daemon;

/// <summary>
/// One client of the control socket: the request being read (perp's 258-byte buffer),
/// the reply being written, and the age deadline (8 s after accept or the last reply).
/// </summary>
internal sealed class ClientConnection
{
    public ClientConnection(int fd, long deadline)
    {
        Fd = fd;
        Deadline = deadline;
        Out = Reply;
    }

    public int Fd { get; }
    public readonly byte[] Request = new byte[Packet.MaxSize];
    public int Received;
    public readonly byte[] Reply = new byte[Packet.MaxSize];
    public int ReplyLength, ReplySent;
    /// <summary>What is being written: <see cref="Reply"/>, or the chunk of a bulk (L) reply.</summary>
    public byte[] Out;
    /// <summary>The L reply in progress, if any (made at the first L, reused after).</summary>
    public BulkCursor? Bulk;
    /// <summary>Set once the connection subscribed (W): it then only carries events.</summary>
    public Subscriber? Subscription;
    /// <summary>True while a reply waits for the socket to become writable.</summary>
    public bool Writing;
    /// <summary>CLOCK_MONOTONIC ns after which the connection is stale.</summary>
    public long Deadline;
}
