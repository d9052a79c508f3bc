using System.Diagnostics;
using System.Globalization;
using System.Management.Automation;
using System.Management.Automation.Runspaces;

// psbench MODULE.psd1 BASE SERVICE REPS [start]
// Prints, after a warm-up (so JIT and module load are not in the figures: what a user at a
// prompt, or a script in a loop, sees per call once the module is loaded):
//   getperpservice_ms=… getperpservice_p90_ms=…          Get-PerpService -Name SERVICE
//   getperpservice_all_ms=… getperpservice_all_p90_ms=…  Get-PerpService (every service)
//   getperpservice_all_count=N
//   getperpservice_cpu_ms=… getperpservice_all_cpu_ms=…    CPU time of the process per call
//   getperpservice_all_alloc_mb=… getperpservice_all_gen2=…  bytes allocated, gen2 GCs per call of all
//   getperpservice_all_script_ms=… …_p90_ms=…            `$s = Get-PerpService` run as a script
// and with "start": start_nowait_ms=… start_nowait_p90_ms=…, Start-PerpService -NoWait on
// SERVICE while it is down (Stop-PerpService -NoWait and the wait for Down are not timed).
// Figures are medians and p90s.
if (args.Length < 4)
{
    Console.Error.WriteLine("usage: psbench MODULE.psd1 BASE SERVICE REPS [start]");
    return 100;
}
string module = args[0], baseDir = args[1], service = args[2];
int reps = int.Parse(args[3], CultureInfo.InvariantCulture);
bool start = args.Length > 4 && args[4] == "start";
var ci = CultureInfo.InvariantCulture;

double lastCpu = 0;
var iss = InitialSessionState.CreateDefault2();
using var runspace = RunspaceFactory.CreateRunspace(iss);
// pwsh's own console host opens its runspace so (ConsoleHost.OpenConsoleRunspace): every
// command runs on the one pipeline thread. The default makes a new thread per Invoke, about
// 0.4 ms of thread start-up in every figure here that no pwsh user pays.
runspace.ThreadOptions = PSThreadOptions.ReuseThread;
runspace.Open();
Run(ps => ps.AddCommand("Import-Module").AddParameter("Name", module).AddParameter("ErrorAction", "Stop"));

System.Collections.ObjectModel.Collection<PSObject> Run(Func<PowerShell, PowerShell> build)
{
    using var ps = build(PowerShell.Create(runspace));
    var result = ps.Invoke();
    if (ps.HadErrors) throw new InvalidOperationException(string.Join("; ", ps.Streams.Error));
    return result;
}

(double Median, double P90, int Count) Time(int n, Func<PowerShell, PowerShell> build, Action? before = null)
{
    var ms = new double[n];
    var cpu = new double[n];
    int count = 0;
    for (int i = 0; i < n; i++)
    {
        before?.Invoke();
        using var ps = build(PowerShell.Create(runspace));
        double c0 = Cpu.ProcessMs();
        long t0 = Stopwatch.GetTimestamp();
        var result = ps.Invoke();
        ms[i] = Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
        cpu[i] = Cpu.ProcessMs() - c0;
        if (ps.HadErrors) throw new InvalidOperationException(string.Join("; ", ps.Streams.Error));
        count = result.Count;
    }
    Array.Sort(ms);
    Array.Sort(cpu);
    lastCpu = cpu[n / 2];
    return (ms[n / 2], ms[Math.Min(n - 1, n * 9 / 10)], count);
}

PowerShell One(PowerShell ps) => ps.AddCommand("Get-PerpService").AddParameter("Name", service).AddParameter("Base", baseDir);
PowerShell All(PowerShell ps) => ps.AddCommand("Get-PerpService").AddParameter("Base", baseDir);
// The same as a script runs it, the objects kept in a variable: no host collection of the
// output around each object (the script is compiled once; PowerShell caches it by its text).
PowerShell InScript(PowerShell ps) => ps.AddScript("$s = Get-PerpService -Base $args[0]; $s.Count").AddArgument(baseDir);

// "Up" (running) is any running main; "Down" the status of that name.
bool Is(string state)
{
    var o = Run(One)[0];
    return state == "Up" ? Convert.ToInt32(o.Properties["Pid"].Value, ci) > 0 : o.Properties["Status"].Value.ToString() == state;
}
void WaitFor(string state)
{
    var sw = Stopwatch.StartNew();
    while (!Is(state))
    {
        if (sw.Elapsed > TimeSpan.FromSeconds(30)) throw new TimeoutException($"{service} never became {state}");
        Thread.Sleep(2);
    }
}

Time(Math.Max(20, reps / 5), One); // warm-up: JIT, module caches
int allReps = Environment.GetEnvironmentVariable("PSBENCH_ALL_REPS") is { } ar ? int.Parse(ar, ci) : Math.Max(5, reps / 10);
Time(Math.Max(3, allReps / 3), All);
var one = Time(reps, One);
double oneCpu = lastCpu;
long allocated0 = GC.GetTotalAllocatedBytes(true);
int gen2 = GC.CollectionCount(2);
var all = Time(allReps, All);
double allCpu = lastCpu;
double allAllocMb = (GC.GetTotalAllocatedBytes(true) - allocated0) / 1e6 / allReps;
double allGen2 = (GC.CollectionCount(2) - gen2) / (double)allReps;
Time(Math.Max(3, allReps / 3), InScript);
var inScript = Time(allReps, InScript);
if (one.Count != 1)
{
    Console.Error.WriteLine($"psbench: Get-PerpService {service} returned {one.Count} objects");
    return 1;
}
Console.Write(string.Format(ci,
    "getperpservice_ms={0:F3} getperpservice_p90_ms={1:F3} getperpservice_all_ms={2:F2} getperpservice_all_p90_ms={3:F2} getperpservice_all_count={4}",
    one.Median, one.P90, all.Median, all.P90, all.Count));
// CPU time of the whole process per call (median): steadier than wall time on a loaded machine.
Console.Write(string.Format(ci, " getperpservice_cpu_ms={0:F3} getperpservice_all_cpu_ms={1:F2}", oneCpu, allCpu));
// What the process allocated per call of all (mean), and its full (gen2) collections per call.
Console.Write(string.Format(ci, " getperpservice_all_alloc_mb={0:F2} getperpservice_all_gen2={1:F2}", allAllocMb, allGen2));
Console.Write(string.Format(ci, " getperpservice_all_script_ms={0:F2} getperpservice_all_script_p90_ms={1:F2}", inScript.Median, inScript.P90));
if (start)
{
    PowerShell Start(PowerShell ps) => ps.AddCommand("Start-PerpService").AddParameter("Name", service).AddParameter("Base", baseDir).AddParameter("NoWait");
    void Down()
    {
        WaitFor("Up");
        Run(ps => ps.AddCommand("Stop-PerpService").AddParameter("Name", service).AddParameter("Base", baseDir).AddParameter("NoWait"));
        WaitFor("Down");
    }
    Time(5, Start, Down); // warm-up
    var s = Time(Math.Max(10, reps / 5), Start, Down);
    WaitFor("Up");
    Console.Write(string.Format(ci, " start_nowait_ms={0:F3} start_nowait_p90_ms={1:F3}", s.Median, s.P90));
}
Console.WriteLine();
return 0;

static partial class Cpu
{
    [System.Runtime.InteropServices.LibraryImport("libc", EntryPoint = "clock_gettime")]
    private static partial int ClockGetTime(int clock, out TimeSpec ts);

    private struct TimeSpec { public long Sec; public long Nsec; }

    /// <summary>CPU time of the process (CLOCK_PROCESS_CPUTIME_ID), ms.</summary>
    public static double ProcessMs()
    {
        ClockGetTime(2, out var ts);
        return ts.Sec * 1e3 + ts.Nsec / 1e6;
    }
}
