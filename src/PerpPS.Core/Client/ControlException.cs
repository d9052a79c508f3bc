using PerpPS.Core.Posix;

namespace PerpPS.Core.Client;

/// <summary>A control-socket failure: connecting, writing a request or reading a reply.</summary>
public sealed class ControlException : IOException
{
    public ControlException(ControlStage stage, int errno, string socketPath)
        : base(Describe(stage, errno, socketPath))
    {
        Stage = stage;
        Errno = errno;
        SocketPath = socketPath;
    }

    public ControlStage Stage { get; }
    public int Errno { get; }
    public string SocketPath { get; }

    /// <summary>True when nothing listens: a stale socket (ECONNREFUSED) or none at all (ENOENT).</summary>
    public bool DaemonNotRunning =>
        Stage == ControlStage.Connect && Errno is Posix.Errno.ECONNREFUSED or Posix.Errno.ENOENT;

    private static string Describe(ControlStage stage, int errno, string path) => stage switch
    {
        ControlStage.Connect when errno == Posix.Errno.ECONNREFUSED =>
            $"perpd not running on control socket {path}: {Posix.Errno.Describe(errno)}",
        ControlStage.Connect => $"failure connecting to perpd control socket {path}: {Posix.Errno.Describe(errno)}",
        ControlStage.Write => $"error writing request: {Posix.Errno.Describe(errno)}",
        ControlStage.Subscribe => $"perpd refused the event subscription: {Posix.Errno.Describe(errno)}",
        _ => $"error reading response: {Posix.Errno.Describe(errno)}",
    };
}
