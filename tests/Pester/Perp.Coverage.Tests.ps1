#Requires -Version 7.4
# Every exported cmdlet, as an ops engineer uses it (issue #12 items 1 and 6): the suite
# itself is checked to call each cmdlet of the manifest, error ids per cmdlet with
# -TestCases, name completion (TabExpansion2) on every cmdlet that takes service names, and
# the cmdlets no other file drives (Invoke-PerpRescan).

BeforeDiscovery {
    . $PSScriptRoot/PerpTestHelpers.ps1
    Import-Module $PerpModule -Force
    $manifest = Import-PowerShellDataFile $PerpModule
    $exportedCases = @($manifest.CmdletsToExport | ForEach-Object { @{ Name = $_ } })
    # Cmdlets whose -Name names existing services (New- and Import- name a new one).
    $namedCases = @(Get-Command -Module Perp | Where-Object {
            $_.Parameters.ContainsKey('Name') -and $_.Name -notin 'New-PerpService', 'Import-PerpService'
        } | ForEach-Object { @{ Name = $_.Name } })
    # Cmdlets that act on a service and report a missing literal name by ErrorId.
    $missingCases = @($namedCases | Where-Object { $_.Name -notin 'Test-PerpService', 'Watch-PerpService', 'Get-PerpLog' })
}

BeforeAll {
    . $PSScriptRoot/PerpTestHelpers.ps1
    Import-Module $PerpModule -Force
    $tb = New-TestBase -Populate {
        param($b)
        New-PerpService -Base $b -Name web -Command 'sleep 100000' -NoLog -Enable 3>$null | Out-Null
        New-PerpService -Base $b -Name worker -Command 'sleep 100000' -NoLog -Enable 3>$null | Out-Null
    }
    $base = $tb.Base
    Wait-PerpService -Base $base -Name web, worker -Timeout 30
}

AfterAll { Remove-TestBase $tb }

Describe 'The Pester suite covers every exported cmdlet' -Tag CI, Coverage {
    BeforeAll {
        # Every command the Pester files call, from their syntax trees (not a text search).
        $called = foreach ($file in Get-ChildItem $PSScriptRoot -Filter *.ps1) {
            $ast = [System.Management.Automation.Language.Parser]::ParseFile($file.FullName, [ref]$null, [ref]$null)
            $ast.FindAll({ param($n) $n -is [System.Management.Automation.Language.CommandAst] }, $true) |
                ForEach-Object { $_.GetCommandName() }
        }
        $called = @($called | Where-Object { $_ } | Sort-Object -Unique)
    }

    It '<Name> is exported and called by a Pester test' -TestCases $exportedCases {
        param($Name)
        Get-Command $Name -Module Perp | Should -Not -BeNullOrEmpty
        $called | Should -Contain $Name
    }
}

Describe 'Service name completion' -Tag CI, Coverage, Completion {
    It '<Name> -Name completes service names of -Base' -TestCases $namedCases {
        param($Name)
        $line = "$Name -Base '$base' -Name wo"
        $r = TabExpansion2 -inputScript $line -cursorColumn $line.Length
        $r.CompletionMatches.CompletionText -join ',' | Should -Be 'worker'
    }

    It '<Name> completes the positional name too' -TestCases $namedCases {
        param($Name)
        $line = "$Name -Base '$base' w"
        $r = TabExpansion2 -inputScript $line -cursorColumn $line.Length
        $r.CompletionMatches.CompletionText -join ',' | Should -Be 'web,worker'
    }
}

Describe 'A missing service is PerpServiceNotFound' -Tag CI, Coverage, Errors {
    It '<Name> nosuch fails with PerpServiceNotFound' -TestCases $missingCases {
        param($Name)
        $command = (Get-Command $Name).ImplementingType.Name
        $extra = @{}
        if ($Name -eq 'Send-PerpSignal') { $extra.Signal = 'HUP' }
        if ($Name -in 'Remove-PerpService', 'Disable-PerpService') { $extra.Confirm = $false }
        { & $Name -Base $base -Name nosuch @extra -ErrorAction Stop } |
            Should -Throw -ErrorId "PerpServiceNotFound,PerpPS.Cmdlets.$command"
    }

    It 'Get-PerpLog of a missing service is PerpServiceNotFound' {
        { Get-PerpLog -Base $base -Name nosuch -ErrorAction Stop } |
            Should -Throw -ErrorId 'PerpServiceNotFound,PerpPS.Cmdlets.GetPerpLogCommand'
    }

    It 'Test-PerpService of a missing service is false, not an error (perpok)' {
        Test-PerpService -Base $base -Name nosuch -ErrorAction Stop | Should -BeFalse
    }
}

Describe 'Cmdlets without perpd' -Tag CI, Coverage, Errors {
    BeforeAll {
        $empty = Join-Path $TestDrive 'no-perpd'
        New-Item -ItemType Directory -Path $empty | Out-Null
    }

    It '<Name> fails with PerpDaemonNotRunning' -TestCases @(
        @{ Name = 'Get-PerpService'; Type = 'GetPerpServiceCommand' }
        @{ Name = 'Invoke-PerpRescan'; Type = 'InvokePerpRescanCommand' }
        @{ Name = 'Watch-PerpService'; Type = 'WatchPerpServiceCommand' }
    ) {
        param($Name, $Type)
        { & $Name -Base $empty -ErrorAction Stop } | Should -Throw -ErrorId "PerpDaemonNotRunning,PerpPS.Cmdlets.$Type"
    }

    It 'Stop-PerpDaemon of a base without perpd is not an error and Get-PerpDaemon says not running' {
        { Stop-PerpDaemon -Base $empty -Confirm:$false -ErrorAction Stop } | Should -Not -Throw
        (Get-PerpDaemon -Base $empty).Running | Should -BeFalse
    }
}

Describe 'New-PerpService on TestDrive' -Tag CI, Coverage {
    It 'an existing directory is PerpServiceExists' {
        { New-PerpService -Base $base -Name web -Command 'true' -NoLog -ErrorAction Stop } |
            Should -Throw -ErrorId 'PerpServiceExists,PerpPS.Cmdlets.NewPerpServiceCommand'
    }

    It 'writes the service directory under TestDrive and -WhatIf writes nothing' {
        New-PerpService -Base $base -Name dry -Command 'true' -NoLog -WhatIf
        Join-Path $base 'dry' | Should -Not -Exist
        New-PerpService -Base $base -Name wet -Command 'true' -NoLog | Out-Null
        Join-Path $base 'wet' 'rc.main' | Should -Exist
        Remove-PerpService -Base $base wet -Confirm:$false
        Join-Path $base 'wet' | Should -Not -Exist
    }
}

Describe 'Import-PerpService from TestDrive' -Tag CI, Coverage {
    It 'imports a runit service directory, enabled, and it runs' {
        $src = Join-Path $TestDrive 'runit' 'clock'
        New-Item -ItemType Directory -Path $src -Force | Out-Null
        Set-Content -Path (Join-Path $src 'run') -Value "#!/bin/sh`nexec sleep 100000"
        & chmod +x (Join-Path $src 'run')
        $s = Import-PerpService -Path $src -Base $base -Enable -ErrorAction Stop
        $s.Name | Should -Be 'clock'
        Join-Path $base 'clock' 'rc.main' | Should -Exist
        (Wait-PerpService -Base $base clock -Timeout 30 -PassThru -ErrorAction Stop).Status | Should -Be Up
    }

    It 'an existing service is PerpServiceExists' {
        { Import-PerpService -Path (Join-Path $TestDrive 'runit' 'clock') -Base $base -ErrorAction Stop } |
            Should -Throw -ErrorId 'PerpServiceExists,PerpPS.Cmdlets.ImportPerpServiceCommand'
    }
}

Describe 'Invoke-PerpRescan' -Tag CI, Coverage {
    It 'makes perpd activate a directory made sticky by hand' {
        New-PerpService -Base $base -Name late -Command 'sleep 100000' -NoLog | Out-Null
        # chmod +t by hand, as an administrator does: perpd learns of it at the rescan only.
        & chmod +t (Join-Path $base 'late')
        (Get-PerpService -Base $base late).Status | Should -Be Activating
        $d = Invoke-PerpRescan -Base $base -PassThru
        $d.Pid | Should -Be $tb.Daemon.Pid
        (Wait-PerpService -Base $base late -Timeout 30 -PassThru -ErrorAction Stop).Status | Should -Be Up
    }

    It '-WhatIf sends nothing' {
        New-PerpService -Base $base -Name later -Command 'sleep 100000' -NoLog | Out-Null
        & chmod +t (Join-Path $base 'later')
        Invoke-PerpRescan -Base $base -WhatIf
        (Get-PerpService -Base $base later).Status | Should -Be Activating
        Invoke-PerpRescan -Base $base
        (Wait-PerpService -Base $base later -Timeout 30 -PassThru -ErrorAction Stop).Status | Should -Be Up
    }
}
