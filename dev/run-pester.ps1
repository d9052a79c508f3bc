# Runs tests/Pester with Pester's own result object and prints one line for test.sh:
#   pester: N passed, N failed, N skipped
# Exits non-zero when any test, block or container failed, or when no test ran at all.
#   pwsh -NoProfile -File dev/run-pester.ps1 [-Path tests/Pester] [-Tag CI] [-FullNameFilter '*x*']
param(
    [string[]] $Path = (Join-Path $PSScriptRoot '../tests/Pester'),
    [string[]] $Tag,
    [string[]] $ExcludeTag,
    [string[]] $FullNameFilter,
    [string] $Verbosity = 'Detailed'
)
$ErrorActionPreference = 'Stop'
Import-Module Pester -MinimumVersion 5.9.1 -ErrorAction Stop
$c = New-PesterConfiguration
$c.Run.Path = $Path
$c.Run.PassThru = $true
$c.Output.Verbosity = $Verbosity
if ([Console]::IsOutputRedirected) { $c.Output.RenderMode = 'Plaintext' }
if ($Tag) { $c.Filter.Tag = $Tag }
if ($ExcludeTag) { $c.Filter.ExcludeTag = $ExcludeTag }
if ($FullNameFilter) { $c.Filter.FullName = $FullNameFilter }
try {
    $r = Invoke-Pester -Configuration $c
} catch {
    # Pester itself failed (bad configuration, a broken install): one failure, loudly.
    Write-Host "run-pester: Invoke-Pester failed: $_"
    Write-Host 'pester: 0 passed, 1 failed, 0 skipped'
    exit 1
}
# A failed BeforeAll fails its block's tests (counted in FailedCount) and the block; a file
# that does not even load is a failed container with no test: count each such as one failure.
$failed = $r.FailedCount + $r.FailedContainersCount
Write-Host "pester: $($r.PassedCount) passed, $failed failed, $($r.SkippedCount) skipped"
if ($failed -gt 0 -or $r.Result -ne 'Passed' -or $r.PassedCount -eq 0) { exit 1 }
exit 0
