<#
bench/import.ps1 -Module PATH [-Base BASE] [-First PATH]: run once per fresh pwsh process
(bench/import.sh and bench/issue13.sh start one per trial). Times Import-Module of PATH, then,
with -Base, the first Get-PerpService (every service of BASE) after it, in that process; prints
import_ms=… import_cpu_ms=… assemblies=N [first_get_ms=… first_get_cpu_ms=… count=N]
(CPU: the process's CPU time, all threads: steadier than wall time on a loaded machine;
assemblies: how many the import added to the AppDomain). With -First, PATH is imported
first and timed as pre_ms=… pre_cpu_ms=…, so Import-Module's one-time cost in a process is
paid before PATH's import is timed. pwsh's own start-up is in no figure.
#>
param([Parameter(Mandatory)][string]$Module, [string]$Base, [string]$First)
$inv = [Globalization.CultureInfo]::InvariantCulture
$proc = [Diagnostics.Process]::GetCurrentProcess()
$sw = [Diagnostics.Stopwatch]::new()
$out = [Collections.Generic.List[string]]::new()
if ($First) {
    $proc.Refresh(); $c0 = $proc.TotalProcessorTime.TotalMilliseconds
    $sw.Restart()
    Import-Module $First -ErrorAction Stop
    $t = $sw.Elapsed.TotalMilliseconds
    $proc.Refresh(); $c1 = $proc.TotalProcessorTime.TotalMilliseconds
    $out.Add(('pre_ms={0} pre_cpu_ms={1}' -f $t.ToString('F1', $inv), ($c1 - $c0).ToString('F0', $inv)))
}
$a0 = [AppDomain]::CurrentDomain.GetAssemblies().Length
$proc.Refresh(); $c0 = $proc.TotalProcessorTime.TotalMilliseconds
$sw.Restart()
Import-Module $Module -ErrorAction Stop
$t = $sw.Elapsed.TotalMilliseconds
$proc.Refresh(); $c1 = $proc.TotalProcessorTime.TotalMilliseconds
$a1 = [AppDomain]::CurrentDomain.GetAssemblies().Length
$out.Add(('import_ms={0} import_cpu_ms={1} assemblies={2}' -f $t.ToString('F1', $inv), ($c1 - $c0).ToString('F0', $inv), ($a1 - $a0)))
if ($Base) {
    $sw.Restart()
    $n = @(Get-PerpService -Base $Base -ErrorAction Stop).Count
    $t = $sw.Elapsed.TotalMilliseconds
    $proc.Refresh(); $c2 = $proc.TotalProcessorTime.TotalMilliseconds
    $out.Add(('first_get_ms={0} first_get_cpu_ms={1} count={2}' -f $t.ToString('F1', $inv), ($c2 - $c1).ToString('F0', $inv), $n))
}
$out -join ' '
