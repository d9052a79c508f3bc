using System.Buffers.Binary;
using PerpPS.Core.Protocol;

namespace PerpPS.Reliability.Tests.Support;

/// <summary>What a fuzzing round did and what came back.</summary>
public sealed class FuzzCounts
{
    public long Connections { get; set; }
    public long PacketsSent { get; set; }
    public long Replies { get; set; }
    /// <summary>Complete packets that got no reply at all (must stay 0).</summary>
    public long Unanswered { get; set; }
    /// <summary>Replies that were not a well-formed v2 E or S packet (must stay 0).</summary>
    public long Malformed { get; set; }
    /// <summary>Connections the daemon neither answered nor closed after our EOF (must stay 0).</summary>
    public long Hung { get; set; }
    public long Refused { get; set; }

    public override string ToString() =>
        $"connections={Connections} packets={PacketsSent} replies={Replies} unanswered={Unanswered} malformed={Malformed} hung={Hung} refused={Refused}";
}

/// <summary>
/// Throws hostile traffic at perpd's control socket: random bytes, complete packets with
/// random type/length/payload, mutations of real requests, partial packets cut off by EOF,
/// slow byte-by-byte writers and crowds of simultaneous clients. Commands only ever name
/// the <c>victim</c> service or random identities, so the <c>anchor</c> service a test
/// checks afterwards is never touched on purpose. Shared by the reliability tests and
/// bench's long fuzz (linked there).
/// </summary>
public sealed class ProtocolFuzzer
{
    private readonly string _socketPath;
    private readonly ServiceId _victim;
    private readonly ServiceId _anchor;
    private readonly Random _rng;
    private static readonly byte[] Types = "QCYSEqcZ\0"u8.ToArray();

    public ProtocolFuzzer(string socketPath, ServiceId anchor, ServiceId victim, int seed)
    {
        _socketPath = socketPath;
        _anchor = anchor;
        _victim = victim;
        _rng = new Random(seed);
    }

    public FuzzCounts Counts { get; } = new();

    /// <summary>Random byte strings (any version, type, length), each on its own connection, then EOF.</summary>
    public void RandomBlobs(int connections)
    {
        for (int i = 0; i < connections; i++)
        {
            var blob = new byte[_rng.Next(1, 300)];
            _rng.NextBytes(blob);
            if (_rng.Next(3) > 0) blob[0] = Packet.Version;
            if (blob.Length > 1 && _rng.Next(2) == 0) blob[1] = Types[_rng.Next(Types.Length)];
            SendThenEof(blob);
        }
    }

    /// <summary>
    /// Complete packets (3 + L bytes) with random version/type/L/payload, strictly
    /// alternating with the replies, <paramref name="perConnection"/> on each connection.
    /// Every complete packet must get exactly one well-formed E or S reply.
    /// </summary>
    public void CompletePackets(int connections, int perConnection)
    {
        for (int c = 0; c < connections; c++)
        {
            RawClient? client = OpenClient();
            if (client == null) continue;
            for (int p = 0; p < perConnection; p++)
            {
                byte[] packet = RandomCompletePacket();
                Counts.PacketsSent++;
                if (!client.TrySend(packet) || client.TryReadPacket() is not { } reply)
                {
                    Counts.Unanswered++;
                    client.Dispose();
                    client = OpenClient();
                    if (client == null) break;
                    continue;
                }
                CheckReply(reply);
            }
            client?.Dispose();
        }
    }

    /// <summary>Real Q and C requests with one to three bytes changed; payload lengths kept, so each is complete.</summary>
    public void Mutations(int count)
    {
        RawClient? client = OpenClient();
        for (int i = 0; i < count && client != null; i++)
        {
            var packet = new byte[Packet.MaxSize];
            int n = _rng.Next(2) == 0
                ? Packet.WriteQuery(packet, _rng.Next(2) == 0 ? _anchor : _victim)
                : Packet.WriteCommand(packet, _victim, (byte)_rng.Next(256), (CommandFlags)_rng.Next(256));
            int flips = _rng.Next(1, 4);
            for (int f = 0; f < flips; f++)
            {
                int at = _rng.Next(n);
                if (at == 2) continue; // keep the length honest: a lying length is RandomBlobs' job
                packet[at] = (byte)_rng.Next(256);
            }
            // A mutated Q/C that became a C naming the anchor would be a real command to it.
            if (packet[1] == PacketType.Command && ServiceId.Read(packet.AsSpan(3)) == _anchor) continue;
            Counts.PacketsSent++;
            if (!client.TrySend(packet.AsSpan(0, n)) || client.TryReadPacket() is not { } reply)
            {
                Counts.Unanswered++;
                client.Dispose();
                client = OpenClient();
                continue;
            }
            CheckReply(reply);
        }
        client?.Dispose();
    }

    /// <summary>A real request cut anywhere before its end, then EOF: perpd must just close.</summary>
    public void PartialPackets(int count)
    {
        var packet = new byte[Packet.MaxSize];
        for (int i = 0; i < count; i++)
        {
            int n = _rng.Next(2) == 0 ? Packet.WriteQuery(packet, _anchor) : Packet.WriteCommand(packet, _victim, (byte)'c', 0);
            SendThenEof(packet.AsSpan(0, _rng.Next(1, n)).ToArray());
        }
    }

    /// <summary>
    /// One Q for the anchor written a byte at a time, <paramref name="gap"/> apart, while
    /// other clients are served meanwhile; returns the reply (or null).
    /// </summary>
    public byte[]? SlowQuery(TimeSpan gap, Action? meanwhile = null)
    {
        var packet = new byte[Packet.QuerySize];
        Packet.WriteQuery(packet, _anchor);
        using var client = RawClient.Connect(_socketPath);
        for (int i = 0; i < packet.Length; i++)
        {
            if (!client.TrySend(packet.AsSpan(i, 1))) return null;
            if (i == 1) meanwhile?.Invoke();
            Thread.Sleep(gap);
        }
        return client.TryReadPacket();
    }

    /// <summary>
    /// <paramref name="count"/> clients connected at once, then each sends a Q for the
    /// anchor. Returns (answered, closed); every answer must be a status reply.
    /// </summary>
    public (int Answered, int Closed) Crowd(int count)
    {
        var clients = new List<RawClient>();
        try
        {
            for (int i = 0; i < count; i++)
            {
                var c = OpenClient(TimeSpan.FromSeconds(2));
                if (c != null) clients.Add(c);
            }
            var packet = new byte[Packet.QuerySize];
            Packet.WriteQuery(packet, _anchor);
            int answered = 0, closed = 0;
            foreach (var c in clients)
            {
                if (c.TrySend(packet) && c.TryReadPacket() is { } reply)
                {
                    answered++;
                    if (reply[1] != PacketType.Status) Counts.Malformed++;
                }
                else closed++;
            }
            return (answered, closed);
        }
        finally
        {
            foreach (var c in clients) c.Dispose();
        }
    }

    private byte[] RandomCompletePacket()
    {
        int length = _rng.Next(4) switch
        {
            0 => ServiceId.Size,
            1 => ServiceId.Size + 2,
            _ => _rng.Next(256),
        };
        var packet = new byte[3 + length];
        _rng.NextBytes(packet);
        packet[0] = _rng.Next(8) == 0 ? (byte)_rng.Next(256) : Packet.Version;
        packet[1] = Types[_rng.Next(Types.Length)];
        packet[2] = (byte)length;
        // Random identities never name a real service; a C must not name the anchor.
        if (packet[1] == PacketType.Command && length >= ServiceId.Size && ServiceId.Read(packet.AsSpan(3)) == _anchor)
            packet[3] ^= 0xff;
        if (packet[1] == PacketType.Command && length == ServiceId.Size + 2 && _rng.Next(4) == 0)
            _victim.Write(packet.AsSpan(3));
        return packet;
    }

    private void CheckReply(byte[] reply)
    {
        Counts.Replies++;
        // A mutated Q can become an X (extended query, the protocol extension) naming a real
        // service: its x reply is well-formed too.
        bool ok = reply[0] == Packet.Version
            && (reply[1] == PacketType.Error && reply[2] == 4 || reply[1] == PacketType.Status && reply[2] == StatusRecord.Size
                || reply[1] == PacketType.Extended && reply[2] == ExtendedStatus.Size);
        if (!ok) Counts.Malformed++;
    }

    private void SendThenEof(byte[] blob)
    {
        using var client = OpenClient();
        if (client == null) return;
        Counts.PacketsSent++;
        client.TrySend(blob);
        client.ShutdownSend();
        // Whatever perpd answers to the complete packets inside, it must close after our EOF.
        while (client.TryReadPacket() is { } reply) CheckReply(reply);
        if (!client.WaitForClose()) Counts.Hung++;
    }

    private RawClient? OpenClient(TimeSpan? timeout = null)
    {
        for (int attempt = 0; attempt < 50; attempt++)
        {
            try
            {
                var c = RawClient.Connect(_socketPath, timeout);
                Counts.Connections++;
                return c;
            }
            catch (System.Net.Sockets.SocketException)
            {
                // Backlog full for a moment (crowd): retry shortly; counted if it persists.
                Thread.Sleep(10);
            }
        }
        Counts.Refused++;
        return null;
    }

    /// <summary>Reads errno from an E reply.</summary>
    public static int ErrnoOf(byte[] reply) => (int)BinaryPrimitives.ReadUInt32LittleEndian(reply.AsSpan(3));
}
