using System.Runtime.InteropServices;
using PerpPS.Runtools.Common;

namespace PerpPS.Runtools.Tools;

/// <summary>
/// runpause [-L label] secs program [args]: wait secs seconds (0 = until a signal), then
/// exec. SIGALRM ends the pause early without killing; -L only labels the process for ps.
/// </summary>
internal static class RunPause
{
    public static int Run(string name, string[] args)
    {
        var tool = new Tool(name, "[-hV] [-L label] secs program [args ...]");
        string[] rest = OptionParser.Operands(tool, args, "L:", 2);
        if (!uint.TryParse(rest[0], System.Globalization.NumberStyles.None, null, out uint secs))
            throw tool.Usage($"bad numeric argument for secs: {rest[0]}");

        using var alarm = new ManualResetEventSlim();
        using (PosixSignalRegistration.Create((PosixSignal)PerpPS.Core.Posix.SignalNames.SIGALRM, ctx =>
               {
                   ctx.Cancel = true;
                   alarm.Set();
               }))
        {
            if (secs == 0) alarm.Wait();
            else alarm.Wait(TimeSpan.FromSeconds(secs));
        }
        throw Exec.Run(tool, rest[1], rest[1..], Environ.Current());
    }
}
