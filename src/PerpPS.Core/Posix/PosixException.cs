namespace PerpPS.Core.Posix;

/// <summary>
/// A failed system call, carrying its errno and what was being done, so each front end can
/// word it its own way: perp's tools as "TEXT: MESG (ENAME)", the module as an ErrorRecord.
/// </summary>
public sealed class PosixException : IOException
{
    public PosixException(int errno, string what)
        : base($"{what}: {Posix.Errno.Describe(errno)}")
    {
        Errno = errno;
        What = what;
    }

    /// <summary>The errno of the failure.</summary>
    public int Errno { get; }

    /// <summary>What was being attempted, in perp's words (e.g. "failure stat() on X").</summary>
    public string What { get; }
}
