namespace PerpPS.Core.Posix;

/// <summary>
/// perp's own errno names and texts (lasagna's sysstr table), which perp's tools print
/// instead of strerror(): "file does not exist (ENOENT)". The entries the spec lists
/// (§14.3) are exact; the rest follow the same djb-style wording. A value perp's table
/// lacks is printed as "error N (EUNKNOWN)" rather than truncating the line as perp does.
/// </summary>
public static class Errno
{
    public const int EOK = 0, EPERM = 1, ENOENT = 2, ESRCH = 3, EINTR = 4, EIO = 5, ENXIO = 6,
        E2BIG = 7, ENOEXEC = 8, EBADF = 9, ECHILD = 10, EAGAIN = 11, ENOMEM = 12, EACCES = 13,
        EFAULT = 14, EBUSY = 16, EEXIST = 17, EXDEV = 18, ENODEV = 19, ENOTDIR = 20, EISDIR = 21,
        EINVAL = 22, ENFILE = 23, EMFILE = 24, ENOTTY = 25, ETXTBSY = 26, EFBIG = 27, ENOSPC = 28,
        ESPIPE = 29, EROFS = 30, EMLINK = 31, EPIPE = 32, EDOM = 33, ERANGE = 34, EDEADLK = 35,
        ENAMETOOLONG = 36, ENOLCK = 37, ENOSYS = 38, ENOTEMPTY = 39, ELOOP = 40, EPROTO = 71,
        EOVERFLOW = 75, EUSERS = 87, ENOTSOCK = 88, EMSGSIZE = 90, EOPNOTSUPP = 95, EADDRINUSE = 98,
        ECONNRESET = 104, ENOBUFS = 105, ENOTCONN = 107, ETIMEDOUT = 110, ECONNREFUSED = 111,
        EDQUOT = 122;

    /// <summary>The symbolic name perp prints, e.g. "ENOENT".</summary>
    public static string Name(int errno) => Lookup(errno).Name;

    /// <summary>perp's text, e.g. "file does not exist".</summary>
    public static string Text(int errno) => Lookup(errno).Text;

    /// <summary>"MESG (ENAME)", the tail of every perp diagnostic.</summary>
    public static string Describe(int errno)
    {
        var (name, text) = Lookup(errno);
        return $"{text} ({name})";
    }

    private static (string Name, string Text) Lookup(int errno) => errno switch
    {
        EOK => ("EOK", "no error"),
        EPERM => ("EPERM", "permission denied"),
        ENOENT => ("ENOENT", "file does not exist"),
        ESRCH => ("ESRCH", "no such process"),
        EINTR => ("EINTR", "interrupted system call"),
        EIO => ("EIO", "input/output error"),
        ENXIO => ("ENXIO", "device not configured"),
        E2BIG => ("E2BIG", "argument list too long"),
        ENOEXEC => ("ENOEXEC", "exec format error"),
        EBADF => ("EBADF", "file descriptor not open"),
        ECHILD => ("ECHILD", "no child processes"),
        EAGAIN => ("EAGAIN", "temporary i/o failure"),
        ENOMEM => ("ENOMEM", "out of memory"),
        EACCES => ("EACCES", "access denied"),
        EFAULT => ("EFAULT", "bad address"),
        EBUSY => ("EBUSY", "device busy"),
        EEXIST => ("EEXIST", "file already exists"),
        EXDEV => ("EXDEV", "cross-device link"),
        ENODEV => ("ENODEV", "device does not support operation"),
        ENOTDIR => ("ENOTDIR", "not a directory"),
        EISDIR => ("EISDIR", "is a directory"),
        EINVAL => ("EINVAL", "invalid argument"),
        ENFILE => ("ENFILE", "system cannot open more files"),
        EMFILE => ("EMFILE", "process cannot open more files"),
        ENOTTY => ("ENOTTY", "not a tty"),
        ETXTBSY => ("ETXTBSY", "text busy"),
        EFBIG => ("EFBIG", "file too big"),
        ENOSPC => ("ENOSPC", "out of disk space"),
        ESPIPE => ("ESPIPE", "unseekable descriptor"),
        EROFS => ("EROFS", "read-only file system"),
        EMLINK => ("EMLINK", "too many links"),
        EPIPE => ("EPIPE", "broken pipe"),
        EDOM => ("EDOM", "input out of range"),
        ERANGE => ("ERANGE", "output out of range"),
        EDEADLK => ("EDEADLK", "operation would cause deadlock"),
        ENAMETOOLONG => ("ENAMETOOLONG", "file name too long"),
        ENOLCK => ("ENOLCK", "no locks available"),
        ENOSYS => ("ENOSYS", "system call not available"),
        ENOTEMPTY => ("ENOTEMPTY", "directory not empty"),
        ELOOP => ("ELOOP", "symbolic link loop"),
        EPROTO => ("EPROTO", "protocol error"),
        EOVERFLOW => ("EOVERFLOW", "value too large for data type"),
        EUSERS => ("EUSERS", "too many users"),
        ENOTSOCK => ("ENOTSOCK", "not a socket"),
        EMSGSIZE => ("EMSGSIZE", "message too long"),
        EOPNOTSUPP => ("EOPNOTSUPP", "operation not supported"),
        EADDRINUSE => ("EADDRINUSE", "address already used"),
        ECONNRESET => ("ECONNRESET", "connection reset"),
        ENOBUFS => ("ENOBUFS", "out of buffer space"),
        ENOTCONN => ("ENOTCONN", "not connected"),
        ETIMEDOUT => ("ETIMEDOUT", "timed out"),
        ECONNREFUSED => ("ECONNREFUSED", "connection refused"),
        EDQUOT => ("EDQUOT", "disk quota exceeded"),
        _ => ("EUNKNOWN", $"error {errno}"),
    };
}
