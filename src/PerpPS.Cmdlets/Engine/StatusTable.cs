using PerpPS.Core.Protocol;

namespace PerpPS.Cmdlets.Engine;

/// <summary>
/// perpd's status replies of one read, kept once for the objects made from them (issue #13).
/// Each <see cref="PerpService"/> holds its table and row instead of a 300-byte copy of its
/// status: a listing of 10,000 services allocates one array of structs without references,
/// which the GC does not scan and, as a large object, does not copy, where the copies inside
/// the objects the caller keeps were most of what each collection during the listing moved.
/// A read made without the cgroup figures also holds what reads them later (<see cref="Usage"/>).
/// Rows of services perpd gave no status for stay default (<see cref="ExtendedStatus.HasExtension"/> false).
/// </summary>
internal sealed class StatusTable
{
    private readonly ExtendedStatus[] _rows;

    private StatusTable(int count) => _rows = new ExtendedStatus[count];

    /// <summary>
    /// A table of <paramref name="count"/> rows of one bulk read from <paramref name="baseDirectory"/>'s
    /// perpd; <paramref name="usageLater"/>: read without the cgroup figures, which <see cref="Usage"/> reads when first looked at.
    /// </summary>
    public StatusTable(int count, string baseDirectory, bool usageLater) : this(count)
    {
        if (usageLater) Usage = new UsageBatch(baseDirectory, this);
    }

    /// <summary>A table of one status (a service read on its own).</summary>
    public static StatusTable Of(in ExtendedStatus status)
    {
        var table = new StatusTable(1);
        table._rows[0] = status;
        return table;
    }

    public int Count => _rows.Length;

    public ref readonly ExtendedStatus this[int row] => ref _rows[row];

    public void Set(int row, in ExtendedStatus status) => _rows[row] = status;

    /// <summary>The rows' ProcessCount and CpuTime, read when first looked at; null when the rows carry them.</summary>
    public UsageBatch? Usage { get; }
}
