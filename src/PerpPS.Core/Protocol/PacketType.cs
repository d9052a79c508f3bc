namespace PerpPS.Core.Protocol;

/// <summary>
/// The type byte of a packet (spec §5.2). The first five are perp's v2 types; the rest are
/// PerpPS's protocol extension (docs/protocol-extensions.md): letters perp 2.07's clients
/// never send, so perp's perpd answers them E EPROTO (spec §5.6) and PerpPS's clients fall
/// back to Q.
/// </summary>
public static class PacketType
{
    /// <summary>Status query, client → perpd, 16-byte payload.</summary>
    public const byte Query = (byte)'Q';
    /// <summary>Control command, client → perpd, 18-byte payload.</summary>
    public const byte Command = (byte)'C';
    /// <summary>"pidyank": never implemented, answered ENOTSUP.</summary>
    public const byte PidYank = (byte)'Y';
    /// <summary>Status reply, 66-byte payload.</summary>
    public const byte Status = (byte)'S';
    /// <summary>Errno reply, 4-byte little-endian payload; 0 = success.</summary>
    public const byte Error = (byte)'E';

    /// <summary>Extension: extended status query, client → perpd, 16-byte dev/ino; answered <see cref="Extended"/> or E.</summary>
    public const byte ExtendedQuery = (byte)'X';
    /// <summary>
    /// Extension: bulk status, client → perpd, a flags byte then 0..15 dev/inos (none = every
    /// service); answered by a stream of <see cref="Extended"/> (and <see cref="NoService"/>)
    /// packets ended by E 0.
    /// </summary>
    public const byte List = (byte)'L';
    /// <summary>
    /// Extension: subscribe, client → perpd, a flags byte then 0..15 dev/inos (none = every
    /// service); answered <see cref="Subscribed"/>, then the connection carries
    /// <see cref="Event"/> packets until either side closes it.
    /// </summary>
    public const byte Subscribe = (byte)'W';
    /// <summary>
    /// Extension: set or clear a sub-service's run-once flag without starting or stopping
    /// anything, client → perpd, 18 bytes (dev/ino, flags as in C, value 1 set / 0 clear);
    /// answered E with an errno as C is. perp's o and u change the flag only together with a
    /// start, so a stopped service's flag cannot be changed with C.
    /// </summary>
    public const byte SetOnce = (byte)'O';

    /// <summary>Extension reply: one service's extended status (<see cref="ExtendedStatus"/>).</summary>
    public const byte Extended = (byte)'x';
    /// <summary>Extension reply inside a bulk stream: a dev/ino asked for that perpd does not know, with the errno Q would give.</summary>
    public const byte NoService = (byte)'n';
    /// <summary>Extension reply: the subscription is in place (<see cref="SubscriptionInfo"/>).</summary>
    public const byte Subscribed = (byte)'w';
    /// <summary>Extension: one event record on a subscribed connection (<see cref="PerpEvent"/>).</summary>
    public const byte Event = (byte)'v';
}
