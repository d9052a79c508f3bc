using PerpPS.Core.Posix;

namespace PerpPS.Core.Tests;

public class NamesTests
{
    [Theory]
    [InlineData(2, "file does not exist (ENOENT)")]
    [InlineData(11, "temporary i/o failure (EAGAIN)")]
    [InlineData(13, "access denied (EACCES)")]
    [InlineData(16, "device busy (EBUSY)")]
    [InlineData(20, "not a directory (ENOTDIR)")]
    [InlineData(28, "out of disk space (ENOSPC)")]
    [InlineData(36, "file name too long (ENAMETOOLONG)")]
    [InlineData(71, "protocol error (EPROTO)")]
    [InlineData(95, "operation not supported (EOPNOTSUPP)")]
    [InlineData(111, "connection refused (ECONNREFUSED)")]
    public void Errno_wording_is_perps_not_strerror(int errno, string text)
    {
        Assert.Equal(text, Errno.Describe(errno));
    }

    [Fact]
    public void Unknown_errno_still_gives_a_whole_message()
    {
        Assert.Equal("error 4095 (EUNKNOWN)", Errno.Describe(4095));
    }

    [Theory]
    [InlineData(15, "SIGTERM")]
    [InlineData(9, "SIGKILL")]
    [InlineData(29, "SIGIO")]
    [InlineData(16, "SIGUNKNOWN")]
    [InlineData(34, "SIGUNKNOWN")]
    [InlineData(0, "SIGUNKNOWN")]
    public void Signal_names_follow_perps_table(int signal, string name)
    {
        Assert.Equal(name, SignalNames.Name(signal));
    }

    [Theory]
    [InlineData("TERM", 15)]
    [InlineData("sigusr1", 10)]
    [InlineData("SIGWINCH", 28)]
    [InlineData("SIGUNKNOWN", 0)]
    [InlineData("NOPE", 0)]
    public void Signal_names_parse_with_or_without_prefix(string name, int signal)
    {
        Assert.Equal(signal, SignalNames.Parse(name));
    }
}
