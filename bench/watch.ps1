<#
bench/watch.ps1 -Base BASE [-Trials 30] [-Services 10] [-Module PATH]: issue #9's
Watch-PerpService latency, in pwsh as a user runs it. One pipeline
`Watch-PerpService -Base BASE | ...` reads the event objects; a second runspace kills the
main process of svc00001..svc0000N in turn with SIGKILL (each one has run > 1 s, so perpd
restarts it at once) and stamps the kill; the figure is the time from just before the
kill(2) to the PerpServiceEvent (Event = Exited, that pid) arriving in the pipeline's
ForEach-Object. Prints: watch_kill9_to_event_ms_median=… p90=… max=… trials=N.
The services must be running already (bench/issue13.sh starts perpd with them).
#>
param(
    [Parameter(Mandatory)][string]$Base,
    [int]$Trials = 30,
    [int]$Services = 10,
    [string]$Module = (Join-Path $PSScriptRoot '../module/Perp.psd1')
)
$ErrorActionPreference = 'Stop'
Import-Module $Module
$names = 1..$Services | ForEach-Object { 'svc{0:d5}' -f $_ }
$sync = [hashtable]::Synchronized(@{ Kills = [hashtable]::Synchronized(@{}); Seen = [hashtable]::Synchronized(@{}); Done = $false })

$killer = [powershell]::Create()
$null = $killer.AddScript({
    param($Module, $Base, $names, $Trials, $sync)
    Import-Module $Module
    Start-Sleep -Milliseconds 500          # the watch below is subscribed by then
    for ($i = 0; $i -lt $Trials; $i++) {
        $name = $names[$i % $names.Count]
        $deadline = [DateTime]::UtcNow.AddSeconds(30)
        do {
            $s = Get-PerpService -Name $name -Base $Base
            $ok = $s.Pid -gt 0 -and -not $sync.Kills.ContainsKey($s.Pid) -and $s.Uptime.TotalSeconds -gt 1.1
            if (-not $ok) { Start-Sleep -Milliseconds 20 }
        } until ($ok -or [DateTime]::UtcNow -gt $deadline)
        $sync.Kills[$s.Pid] = [Diagnostics.Stopwatch]::GetTimestamp()
        [System.Diagnostics.Process]::GetProcessById($s.Pid).Kill()   # SIGKILL
        $deadline = [DateTime]::UtcNow.AddSeconds(30)
        while (-not $sync.Seen.ContainsKey($s.Pid) -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 5 }
    }
    $sync.Done = $true
}).AddArgument($Module).AddArgument($Base).AddArgument($names).AddArgument($Trials).AddArgument($sync)
$handle = $killer.BeginInvoke()

$lat = [System.Collections.Generic.List[double]]::new()
$freq = [Diagnostics.Stopwatch]::Frequency
Watch-PerpService -Name $names -Base $Base -Timeout ([Math]::Max(60, $Trials * 3)) | ForEach-Object {
    $now = [Diagnostics.Stopwatch]::GetTimestamp()
    if ([string]$_.Event -eq 'Exited' -and $sync.Kills.ContainsKey($_.Pid) -and -not $sync.Seen.ContainsKey($_.Pid)) {
        $lat.Add(($now - $sync.Kills[$_.Pid]) * 1000.0 / $freq)
        $sync.Seen[$_.Pid] = $true
    }
    $_
} | Where-Object { [string]$_.Event -eq 'Exited' -and $sync.Seen.ContainsKey($_.Pid) } | Select-Object -First $Trials | Out-Null

$null = $killer.EndInvoke($handle)
$killer.Dispose()
$sorted = $lat | Sort-Object
$n = $sorted.Count
if ($n -eq 0) { Write-Error 'no event arrived'; exit 1 }
$inv = [Globalization.CultureInfo]::InvariantCulture
'watch_kill9_to_event_ms_median={0} watch_kill9_to_event_ms_p90={1} watch_kill9_to_event_ms_max={2} trials={3}' -f `
    $sorted[[int][Math]::Floor($n / 2)].ToString('F2', $inv), $sorted[[Math]::Min($n - 1, [int][Math]::Floor($n * 0.9))].ToString('F2', $inv),
    $sorted[$n - 1].ToString('F2', $inv), $n
