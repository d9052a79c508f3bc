<#
bench/import.ps1 -Module PATH -Base BASE: run once per fresh pwsh process (bench/issue13.sh
starts one per trial). Times Import-Module of the Perp manifest, then the first
Get-PerpService (every service of BASE) after it, in that process; prints
import_ms=… first_get_ms=… count=N import_cpu_ms=… first_get_cpu_ms=… (the process's
CPU time, all threads: steadier than wall time on a loaded machine). pwsh's own start-up is not in either figure.
#>
param([Parameter(Mandatory)][string]$Module, [Parameter(Mandatory)][string]$Base)
$proc = [Diagnostics.Process]::GetCurrentProcess()
$c0 = $proc.TotalProcessorTime.TotalMilliseconds
$sw = [Diagnostics.Stopwatch]::StartNew()
Import-Module $Module -ErrorAction Stop
$import = $sw.Elapsed.TotalMilliseconds
$proc.Refresh(); $c1 = $proc.TotalProcessorTime.TotalMilliseconds
$sw.Restart()
$n = @(Get-PerpService -Base $Base -ErrorAction Stop).Count
$first = $sw.Elapsed.TotalMilliseconds
$proc.Refresh(); $c2 = $proc.TotalProcessorTime.TotalMilliseconds
$inv = [Globalization.CultureInfo]::InvariantCulture
'import_ms={0} first_get_ms={1} count={2} import_cpu_ms={3} first_get_cpu_ms={4}' -f $import.ToString('F1', $inv), $first.ToString('F1', $inv), $n, ($c1 - $c0).ToString('F0', $inv), ($c2 - $c1).ToString('F0', $inv)
