# Shared by the Pester files: the binaries under test and a perpd on a fresh base.
#   . $PSScriptRoot/PerpTestHelpers.ps1
# The binaries come from $env:PERPPS_BIN, else ../../out/bin (./build.sh).

$script:PerpModule = (Resolve-Path (Join-Path $PSScriptRoot '../../module/Perp.psd1')).Path
$script:PerpBin = (Resolve-Path $(if ($env:PERPPS_BIN) { $env:PERPPS_BIN } else { Join-Path $PSScriptRoot '../../out/bin' })).Path

function New-TestBase {
    # A base directory under TestDrive: (or $Parent) with perpd running on it; returns
    # @{ Base; Daemon }. tinylog is found on PATH, as an installed user has it.
    param([string] $Name = 'base', [string] $Parent = $TestDrive, [scriptblock] $Populate)
    if (-not ($env:PATH -split [IO.Path]::PathSeparator -contains $script:PerpBin)) {
        $env:PATH = "$script:PerpBin$([IO.Path]::PathSeparator)$env:PATH"
    }
    $base = Join-Path $Parent $Name
    New-Item -ItemType Directory -Path $base -Force | Out-Null
    if ($Populate) { & $Populate $base }
    $daemon = Start-PerpDaemon -Base $base -DaemonPath (Join-Path $script:PerpBin 'perpd')
    @{ Base = $base; Daemon = $daemon }
}

function Remove-TestBase {
    # Stops the base's perpd (its services stop with it), by its pid as a last resort.
    param($TestBase)
    if (-not $TestBase -or -not $TestBase.Daemon) { return }
    Stop-PerpDaemon -Base $TestBase.Base -Timeout 30 -Force -Confirm:$false -ErrorAction SilentlyContinue
    if (Get-Process -Id $TestBase.Daemon.Pid -ErrorAction SilentlyContinue) { Stop-Process -Id $TestBase.Daemon.Pid -Force }
}

function Wait-Until {
    # Polls a condition (no wall-clock assert: a timeout only ends the wait).
    param([scriptblock] $Condition, [int] $TimeoutSeconds = 30)
    $deadline = [DateTime]::UtcNow.AddSeconds($TimeoutSeconds)
    while (-not (& $Condition)) {
        if ([DateTime]::UtcNow -gt $deadline) { return $false }
        Start-Sleep -Milliseconds 100
    }
    $true
}
