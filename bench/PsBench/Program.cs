using System.Diagnostics;
using System.Globalization;
using System.Management.Automation;
using System.Management.Automation.Runspaces;

// psbench MODULE.psd1 BASE SERVICE REPS
// Prints: getperpservice_ms=… (one named service) getperpservice_all_ms=… (every service)
// after a warm-up, so JIT and module load are not in the figure: what a user at a prompt
// (or a script in a loop) sees per call once the module is loaded.
if (args.Length < 4)
{
    Console.Error.WriteLine("usage: psbench MODULE.psd1 BASE SERVICE REPS");
    return 100;
}
string module = args[0], baseDir = args[1], service = args[2];
int reps = int.Parse(args[3], CultureInfo.InvariantCulture);

var iss = InitialSessionState.CreateDefault2();
using var runspace = RunspaceFactory.CreateRunspace(iss);
runspace.Open();
using (var ps = PowerShell.Create(runspace))
{
    ps.AddCommand("Import-Module").AddParameter("Name", module).AddParameter("ErrorAction", "Stop").Invoke();
}

double Time(int n, Func<PowerShell, PowerShell> build, out int count)
{
    count = 0;
    var sw = new Stopwatch();
    for (int i = 0; i < n; i++)
    {
        using var ps = build(PowerShell.Create(runspace));
        sw.Start();
        var result = ps.Invoke();
        sw.Stop();
        if (ps.HadErrors) throw new InvalidOperationException(string.Join("; ", ps.Streams.Error));
        count = result.Count;
    }
    return sw.Elapsed.TotalMilliseconds / n;
}

PowerShell One(PowerShell ps) => ps.AddCommand("Get-PerpService").AddParameter("Name", service).AddParameter("Base", baseDir);
PowerShell All(PowerShell ps) => ps.AddCommand("Get-PerpService").AddParameter("Base", baseDir);

Time(Math.Max(20, reps / 5), One, out _); // warm-up: JIT, module caches
Time(3, All, out _);
double one = Time(reps, One, out int oneCount);
double all = Time(Math.Max(3, reps / 20), All, out int allCount);
if (oneCount != 1)
{
    Console.Error.WriteLine($"psbench: Get-PerpService {service} returned {oneCount} objects");
    return 1;
}
Console.WriteLine(string.Format(CultureInfo.InvariantCulture,
    "getperpservice_ms={0:F3} getperpservice_all_ms={1:F2} getperpservice_all_count={2}", one, all, allCount));
return 0;
