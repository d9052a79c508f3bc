<#
bench/getservice.ps1 -Base BASE [-Calls 300] [-Warm 50] [-Service svc00001] [-Module PATH]:
warm Get-PerpService in pwsh itself, as a script or a prompt's loop runs it: one script
times `$s = Get-PerpService -Base BASE` (the objects kept, as a user who goes on to use
them keeps them) and `Get-PerpService -Base BASE -Name SERVICE`, -Calls times each after
-Warm untimed calls (the JIT's tiers settle). PsBench times the same through the hosting
API, one Invoke per call, which adds PowerShell's own per-invocation cost to each figure.
Prints: pwsh_all_ms=… pwsh_all_p90_ms=… pwsh_one_ms=… pwsh_one_p90_ms=… pwsh_all_count=N.
#>
param(
    [Parameter(Mandatory)][string]$Base,
    [int]$Calls = 300,
    [int]$Warm = 50,
    [string]$Service = 'svc00001',
    [string]$Module = (Join-Path $PSScriptRoot '../module/Perp.psd1')
)
$ErrorActionPreference = 'Stop'
Import-Module $Module
function Measure-Calls([scriptblock]$Call) {
    foreach ($i in 1..$Warm) { $null = & $Call }
    $ms = foreach ($i in 1..$Calls) {
        $sw = [Diagnostics.Stopwatch]::StartNew()
        $s = & $Call
        $sw.Elapsed.TotalMilliseconds
    }
    $sorted = [double[]]$ms | Sort-Object
    , @($sorted[[int](($sorted.Count - 1) / 2)], $sorted[[math]::Min($sorted.Count - 1, [int]($sorted.Count * 0.9))], @($s).Count)
}
$all = Measure-Calls { Get-PerpService -Base $Base }
$one = Measure-Calls { Get-PerpService -Base $Base -Name $Service }
$inv = [cultureinfo]::InvariantCulture
[string]::Format($inv, 'pwsh_all_ms={0:F2} pwsh_all_p90_ms={1:F2} pwsh_one_ms={2:F3} pwsh_one_p90_ms={3:F3} pwsh_all_count={4}',
    $all[0], $all[1], $one[0], $one[1], $all[2])
