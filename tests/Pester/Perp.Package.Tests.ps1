#Requires -Version 7.4
# The module as a PowerShell user installs it: out/Perp.VERSION.nupkg (./build.sh) in a local
# file repository, Register-PSResourceRepository + Install-PSResource into a temporary
# CurrentUser scope (a pwsh whose HOME is a TestDrive folder), Import-Module by name.

BeforeAll {
    . $PSScriptRoot/PerpTestHelpers.ps1
    Import-Module $PerpModule -Force
    $version = (Import-PowerShellDataFile $PerpModule).ModuleVersion
    $out = if ($env:PERPPS_OUT) { $env:PERPPS_OUT } else { Join-Path $PSScriptRoot '../../out' }
    $nupkg = Join-Path $out "Perp.$version.nupkg"
    $pwshPath = Join-Path $PSScriptRoot '../../.tools/pwsh/pwsh'
    if (-not (Test-Path $pwshPath)) { $pwshPath = Join-Path $PSHOME 'pwsh' }
    $tb = New-TestBase -Populate {
        param($b)
        New-PerpService -Base $b -Name web -Command 'sleep 100000' -NoLog -Enable 3>$null | Out-Null
    }
    Wait-PerpService -Base $tb.Base web -Timeout 30
}

AfterAll { Remove-TestBase $tb }

Describe 'Install-PSResource Perp from a local repository' -Tag CI, Package {
    It 'the build made out/Perp.<version>.nupkg with the manifest at its root' {
        $nupkg | Should -Exist
        Add-Type -AssemblyName System.IO.Compression.FileSystem
        $zip = [System.IO.Compression.ZipFile]::OpenRead($nupkg)
        try { $names = $zip.Entries.FullName } finally { $zip.Dispose() }
        $names | Should -Contain 'Perp.psd1'
        $names | Should -Contain 'bin/PerpPS.Cmdlets.dll'
        $names | Should -Contain 'en-US/about_Perp.help.txt'
    }

    It 'installs by name into a temporary scope, imports by name and lists services' {
        $home2 = Join-Path $TestDrive 'home'
        $repo = Join-Path $TestDrive 'repo'
        New-Item -ItemType Directory $home2, $repo | Out-Null
        Copy-Item $nupkg $repo
        # PSResourceGet keeps its repository list per user whatever HOME says: a unique name,
        # unregistered at the end.
        $repoName = 'PerpTest' + [guid]::NewGuid().ToString('N')
        $script = @"
`$ErrorActionPreference = 'Stop'
Register-PSResourceRepository -Name $repoName -Uri '$repo' -Trusted
try { Install-PSResource -Name Perp -Repository $repoName -Scope CurrentUser -TrustRepository -Quiet }
finally { Unregister-PSResourceRepository -Name $repoName }
Import-Module Perp
`$m = Get-Module Perp
"module=`$(`$m.Version) base=`$(`$m.ModuleBase)"
(Get-PerpService -Base '$($tb.Base)' | ForEach-Object { "`$(`$_.Name)=`$(`$_.Status)" }) -join ','
"@
        $saved = $env:HOME, $env:XDG_DATA_HOME, $env:XDG_CONFIG_HOME, $env:XDG_CACHE_HOME, $env:PSModulePath
        try {
            $env:HOME = $home2; $env:XDG_DATA_HOME = "$home2/.local/share"; $env:XDG_CONFIG_HOME = "$home2/.config"; $env:XDG_CACHE_HOME = "$home2/.cache"
            # Only pwsh's own module folders: Perp must come from the install, not from the checkout.
            $env:PSModulePath = $null
            $lines = & $pwshPath -NoProfile -NonInteractive -Command $script 2>&1
        } finally {
            $env:HOME, $env:XDG_DATA_HOME, $env:XDG_CONFIG_HOME, $env:XDG_CACHE_HOME, $env:PSModulePath = $saved
        }
        $LASTEXITCODE | Should -Be 0 -Because ($lines -join "`n")
        $lines[0] | Should -BeLike "module=$version base=$home2/*"
        $lines[1] | Should -Be 'web=Up'
    }
}
