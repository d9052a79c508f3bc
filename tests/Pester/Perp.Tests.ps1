#Requires -Version 7.4
# The ops engineer's view of the Perp module, Pester 5 style: a real perpd on TestDrive:,
# services made with New-PerpService, everything asserted through the cmdlets.
#   Invoke-Pester ./tests/Pester -Tag CI
# The binaries come from $env:PERPPS_BIN, else ../../out/bin (./build.sh).

BeforeDiscovery {
    Import-Module (Join-Path $PSScriptRoot '../../module/Perp.psd1') -Force
    $commandCases = @(Get-Command -Module Perp | ForEach-Object { @{ Name = $_.Name } })
}

Describe 'Perp module manifest and help' -Tag CI {
    BeforeAll {
        $manifest = Join-Path $PSScriptRoot '../../module/Perp.psd1'
        Import-Module $manifest -Force
    }

    It 'passes Test-ModuleManifest' {
        $info = Test-ModuleManifest -Path $manifest
        $info.Name | Should -Be 'Perp'
        $info.ExportedCmdlets.Count | Should -Be 22
        $info.ExportedFunctions.Count | Should -Be 0
    }

    It '<Name> has a synopsis, a description, parameter help and an example' -TestCases $commandCases {
        param($Name)
        $help = Get-Help $Name -Full
        $help.Synopsis | Should -Not -BeNullOrEmpty
        $help.Synopsis | Should -Not -BeLike "$Name*"
        ($help.Description.Text -join '') | Should -Not -BeNullOrEmpty
        @($help.Examples.Example).Count | Should -BeGreaterThan 0
        $common = @([System.Management.Automation.Cmdlet]::CommonParameters) + @([System.Management.Automation.Cmdlet]::OptionalCommonParameters)
        foreach ($p in (Get-Command $Name).Parameters.Keys | Where-Object { $_ -notin $common }) {
            ((Get-Help $Name -Parameter $p).Description.Text -join '') | Should -Not -BeNullOrEmpty -Because "-$p of $Name needs help"
        }
    }
}

Describe 'Perp services under a real perpd' -Tag CI {
    BeforeAll {
        Import-Module (Join-Path $PSScriptRoot '../../module/Perp.psd1') -Force
        $bin = if ($env:PERPPS_BIN) { $env:PERPPS_BIN } else { Join-Path $PSScriptRoot '../../out/bin' }
        $bin = (Resolve-Path $bin).Path
        $perpd = Join-Path $bin 'perpd'
        $savedPath = $env:PATH
        # tinylog for the loggers New-PerpService writes.
        $env:PATH = "$bin$([System.IO.Path]::PathSeparator)$env:PATH"
        $base = Join-Path $TestDrive 'base'
        New-Item -ItemType Directory -Path $base | Out-Null

        New-PerpService -Base $base -Name web -Command 'sh -c "echo web says hello; exec sleep 100000"' -Enable 3>$null | Out-Null
        New-PerpService -Base $base -Name worker -Command 'sleep 100000' -NoLog -Enable 3>$null | Out-Null
        New-PerpService -Base $base -Name standby -Command 'sleep 100000' -NoLog -Down -Enable 3>$null | Out-Null
        New-PerpService -Base $base -Name idle -Command 'sleep 100000' -NoLog | Out-Null

        $daemon = Start-PerpDaemon -Base $base -DaemonPath $perpd
        Wait-PerpService -Base $base -Name web, worker -Timeout 30
    }

    AfterAll {
        if ($daemon) {
            Stop-PerpDaemon -Base $base -Timeout 30 -Force -Confirm:$false
            # Belt and braces: by pid, never by name.
            if (Get-Process -Id $daemon.Pid -ErrorAction SilentlyContinue) { Stop-Process -Id $daemon.Pid -Force }
        }
        $env:PATH = $savedPath
    }

    It 'perpd runs and supervises the enabled services' {
        $d = Get-PerpDaemon -Base $base
        $d.Running | Should -BeTrue
        $d.Pid | Should -Be $daemon.Pid
        $d.ServiceCount | Should -Be 3
    }

    It 'lists every service directory, active or not' {
        (Get-PerpService -Base $base).Name -join ',' | Should -Be 'idle,standby,web,worker'
    }

    It '<Name> is <Status>' -TestCases @(
        @{ Name = 'web'; Status = 'Up' }
        @{ Name = 'worker'; Status = 'Up' }
        @{ Name = 'standby'; Status = 'Down' }
        @{ Name = 'idle'; Status = 'Inactive' }
    ) {
        param($Name, $Status)
        (Get-PerpService -Base $base $Name).Status | Should -Be $Status
    }

    It 'reports the logger of a service with rc.log' {
        $web = Get-PerpService -Base $base web
        $web.HasLog | Should -BeTrue
        $web.Log.Pid | Should -BeGreaterThan 0
        $web.Panel | Should -Match '^\[\+ \+\+\+ '
    }

    It 'starts what is down through the pipeline' {
        Get-PerpService -Base $base | Where-Object Status -eq Down | Start-PerpService
        (Get-PerpService -Base $base standby).Status | Should -Be Up
        (Get-PerpService -Base $base idle).Status | Should -Be Inactive
    }

    It 'stops and starts idempotently' {
        Stop-PerpService -Base $base standby
        (Get-PerpService -Base $base standby).Status | Should -Be Down
        { Stop-PerpService -Base $base standby -ErrorAction Stop } | Should -Not -Throw
        $s = Start-PerpService -Base $base standby -PassThru
        $s.Status | Should -Be Up
        (Start-PerpService -Base $base standby -PassThru).Pid | Should -Be $s.Pid
    }

    It 'restarts with a new process' {
        $before = Get-PerpService -Base $base worker
        $after = $before | Restart-PerpService -PassThru
        $after.Status | Should -Be Up
        $after.Pid | Should -Not -Be $before.Pid
    }

    It 'suspends and resumes' {
        (Suspend-PerpService -Base $base worker -PassThru).Status | Should -Be Paused
        (Resume-PerpService -Base $base worker -PassThru).Status | Should -Be Up
    }

    It 'changes nothing with -WhatIf' {
        $pid0 = (Get-PerpService -Base $base worker).Pid
        Stop-PerpService -Base $base worker -WhatIf
        (Get-PerpService -Base $base worker).Pid | Should -Be $pid0
    }

    It 'reports a missing service by ErrorId' {
        { Start-PerpService -Base $base nosuch -ErrorAction Stop } |
            Should -Throw -ErrorId 'PerpServiceNotFound,PerpPS.Cmdlets.StartPerpServiceCommand'
    }

    It 'refuses to start an inactive service' {
        { Start-PerpService -Base $base idle -ErrorAction Stop } |
            Should -Throw -ErrorId 'PerpServiceNotActive,PerpPS.Cmdlets.StartPerpServiceCommand'
    }

    It 'times out waiting with its own ErrorId' {
        { Wait-PerpService -Base $base standby -Status Down -Timeout 1 -ErrorAction Stop } |
            Should -Throw -ErrorId 'PerpServiceWaitTimeout,PerpPS.Cmdlets.WaitPerpServiceCommand'
    }

    It 'answers Test-PerpService like perpok' {
        Test-PerpService -Base $base web | Should -BeTrue
        Test-PerpService -Base $base idle | Should -BeFalse
        Test-PerpService -Base $base nosuch | Should -BeFalse
        Test-PerpService -Base $base web -MinimumUptime 100000 | Should -BeFalse
    }

    It 'reads the log tinylog keeps' {
        $deadline = [DateTime]::UtcNow.AddSeconds(20)
        while (-not (Get-PerpLog -Base $base web | Where-Object { $_ -like '*web says hello' }) -and [DateTime]::UtcNow -lt $deadline) {
            Start-Sleep -Milliseconds 200
        }
        (Get-PerpLog -Base $base web | Where-Object { $_ -like '*web says hello' }) | Should -Not -BeNullOrEmpty
    }

    It 'sends signals through perpd' {
        $before = (Get-PerpService -Base $base worker).Pid
        Send-PerpSignal -Base $base worker KILL
        $deadline = [DateTime]::UtcNow.AddSeconds(20)
        while ((Get-PerpService -Base $base worker).Pid -in @(0, $before) -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 100 }
        Wait-PerpService -Base $base worker -Timeout 20 -PassThru | Select-Object -ExpandProperty Pid | Should -Not -Be $before
    }

    It 'keeps its values through Export-Clixml' {
        $path = Join-Path $TestDrive 'web.xml'
        Get-PerpService -Base $base web | Export-Clixml -Path $path
        $back = Import-Clixml -Path $path
        $back.Name | Should -Be 'web'
        $back.Status | Should -Be 'Up'
        $back.Log.Pid | Should -BeGreaterThan 0
    }

    It 'completes service names' {
        $line = "Get-PerpService -Base $base -Name wo"
        $r = TabExpansion2 -inputScript $line -cursorColumn $line.Length
        $r.CompletionMatches.CompletionText -join ',' | Should -Be 'worker'
    }

    It 'upgrades perpd in place with Restart-PerpDaemon: same pids, nothing restarted' {
        $before = Get-PerpService -Base $base web, worker
        $d = Restart-PerpDaemon -Base $base -Confirm:$false -PassThru
        $d.Pid | Should -Be $daemon.Pid
        $after = Get-PerpService -Base $base web, worker
        $after.Pid -join ',' | Should -Be ($before.Pid -join ',')
        $after[0].Log.Pid | Should -Be $before[0].Log.Pid
    }

    It 'disables, enables and removes a service' {
        New-PerpService -Base $base -Name scratch -Command 'sleep 100000' -NoLog -Enable | Out-Null
        (Get-PerpService -Base $base scratch).Status | Should -BeIn @('Starting', 'Up')
        (Disable-PerpService -Base $base scratch -PassThru).Status | Should -Be Inactive
        (Enable-PerpService -Base $base scratch -PassThru).Enabled | Should -BeTrue
        Remove-PerpService -Base $base scratch -Confirm:$false
        Test-Path (Join-Path $base 'scratch') | Should -BeFalse
    }
}

Describe 'Perp without perpd' -Tag CI {
    BeforeAll {
        Import-Module (Join-Path $PSScriptRoot '../../module/Perp.psd1') -Force
        $empty = Join-Path $TestDrive 'nodaemon'
        New-Item -ItemType Directory -Path $empty | Out-Null
    }

    It 'stops with one PerpDaemonNotRunning error' {
        { Get-PerpService -Base $empty } | Should -Throw -ErrorId 'PerpDaemonNotRunning,PerpPS.Cmdlets.GetPerpServiceCommand'
    }

    It 'says perpd is not running' {
        (Get-PerpDaemon -Base $empty).Running | Should -BeFalse
    }
}
