using PerpPS.Core.Client;
using PerpPS.Core.Posix;
using PerpPS.Core.Protocol;
using PerpPS.TestSupport;

namespace PerpPS.Reliability.Tests.Support;

/// <summary>Runscript bodies and status look-ups the reliability tests share.</summary>
public static class Services
{
    /// <summary>rc.main that runs sleep (and exits at once for its reset).</summary>
    public const string Sleeper = "[ \"$1\" = start ] || exit 0\nexec sleep 100000\n";

    public static ServiceId IdOf(string directory) => FileStatus.Stat(directory).Id;

    public static StatusRecord Status(string baseDirectory, ServiceId id)
    {
        using var client = ControlClient.ConnectToBase(baseDirectory, TimeSpan.FromSeconds(5));
        var reply = client.Query(id);
        if (reply.Kind != ReplyKind.Status)
            throw new InvalidOperationException($"status query answered {reply.Kind} errno {reply.Errno}");
        return reply.Status;
    }

    /// <summary>Waits until the main of a service is running its start (not a reset) and returns its pid.</summary>
    public static uint WaitForMain(string baseDirectory, ServiceId id, TimeSpan? timeout = null)
    {
        uint pid = 0;
        Wait.Until(() =>
        {
            var s = Status(baseDirectory, id).Main;
            pid = s.Pid;
            return s.IsRunning && !s.IsResetting;
        }, "the service's main to run", timeout);
        return pid;
    }

    public static Reply Command(string baseDirectory, ServiceId id, char command, CommandFlags flags = CommandFlags.None)
    {
        using var client = ControlClient.ConnectToBase(baseDirectory, TimeSpan.FromSeconds(5));
        return client.Command(id, (byte)command, flags);
    }
}
