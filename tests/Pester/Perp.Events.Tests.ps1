#Requires -Version 7.4
# Issue #9, the module side, on a real perpd: the extended fields of PerpService,
# Watch-PerpService's event objects, and waits that report a death at once.

BeforeAll {
    . $PSScriptRoot/PerpTestHelpers.ps1
    Import-Module $PerpModule -Force
    $tb = New-TestBase -Populate {
        param($b)
        New-PerpService -Base $b -Name steady -Command 'sleep 100000' -NoLog -Enable 3>$null | Out-Null
        New-PerpService -Base $b -Name three -Command 'sleep 0.3; exit 3' -NoLog -Down -Enable 3>$null | Out-Null
        New-PerpService -Base $b -Name logged -Command 'sleep 100000' -Enable 3>$null | Out-Null
    }
    $base = $tb.Base
    Wait-PerpService -Base $base -Name steady -Timeout 30
}

AfterAll { Remove-TestBase $tb }

Describe 'Extended status fields' -Tag CI, Events {
    It 'a kill -9 shows as LastSignal 9, Killed, one more restart and a new pid' {
        $before = Get-PerpService -Base $base steady
        Stop-Process -Id $before.Pid -Force
        # The object from before the kill is piped: a fresh read may already show the restarted process.
        $after = $before | Wait-PerpService -Status Up -NewProcess -Timeout 30 -PassThru -ErrorAction Stop
        $after.Pid | Should -Not -Be $before.Pid
        $after.LastExitKind | Should -Be Killed
        $after.LastSignal | Should -Be 9
        $after.LastExitCode | Should -BeNullOrEmpty
        $after.Restarts | Should -Be ($before.Restarts + 1)
        $after.LastExitTime | Should -BeOfType [DateTime]
    }

    It 'ProcessCount and CpuTime come from the service''s cgroup (issue #11)' {
        $s = Wait-PerpService -Base $base steady -Status Up -Timeout 30 -PassThru -ErrorAction Stop
        # Contained when perpd placed main in a cgroup of its own (sv-DEV-INO/main).
        $contained = (Get-Content "/proc/$($s.Pid)/cgroup" -Raw) -match '/sv-\d+-\d+/main'
        if (-not $contained) { Set-ItResult -Skipped -Because 'perpd runs without cgroups here (no writable cgroup2)'; return }
        $s.ProcessCount | Should -BeGreaterOrEqual 1
        $s.CpuTime | Should -BeOfType [TimeSpan]
        $s.CpuTime | Should -BeGreaterThan ([TimeSpan]::Zero)
    }

    It 'Get-PerpService of every service reads ProcessCount and CpuTime when they are looked at (issue #13)' {
        $s = Wait-PerpService -Base $base steady, logged -Status Up -Timeout 30 -PassThru -ErrorAction Stop | Select-Object -First 1
        $contained = (Get-Content "/proc/$($s.Pid)/cgroup" -Raw) -match '/sv-\d+-\d+/main'
        if (-not $contained) { Set-ItResult -Skipped -Because 'perpd runs without cgroups here (no writable cgroup2)'; return }
        Wait-Until -TimeoutSeconds 30 { (Get-PerpService -Base $base logged).Log.Status -eq 'Up' } | Should -BeTrue
        # The bulk read leaves the figures out; each object asks perpd when one is first read.
        $all = Get-PerpService -Base $base
        $all.Count | Should -Be 3
        foreach ($one in $all) {
            $null -eq $one.ProcessCount | Should -BeFalse -Because "$($one.Name) has a cgroup figure"
            $one.CpuTime | Should -BeOfType [TimeSpan]
        }
        $steady = $all | Where-Object Name -eq steady
        $steady.ProcessCount | Should -BeGreaterOrEqual 1
        $steady.CpuTime | Should -BeGreaterThan ([TimeSpan]::Zero)
        $logged = $all | Where-Object Name -eq logged
        $logged.Log.ProcessCount | Should -BeGreaterOrEqual 1
        $logged.Log.CpuTime | Should -BeOfType [TimeSpan]
        # Serialization (remoting, Export-Clixml) reads the properties, so it carries them.
        $copy = [System.Management.Automation.PSSerializer]::Deserialize(
            [System.Management.Automation.PSSerializer]::Serialize((Get-PerpService -Base $base logged), 2))
        $copy.ProcessCount | Should -BeGreaterOrEqual 1
        $copy.CpuTime | Should -BeGreaterThan ([TimeSpan]::Zero)
        $copy.Log.ProcessCount | Should -BeGreaterOrEqual 1
        $copy.Log.CpuTime | Should -Not -BeNullOrEmpty
    }

    It 'ConvertTo-Json writes Status and LastExitKind by name' {
        $json = Get-PerpService -Base $base steady | ConvertTo-Json -Depth 2 | ConvertFrom-Json
        $json.Status | Should -Be 'Up'
        $json.LastExitKind | Should -Be 'Killed'
    }
}

Describe 'Cgroup figures of a perpd that is gone' -Tag CI, Events {
    It 'are $null when perpd stopped before they were looked at (issue #13)' {
        $gone = New-TestBase -Name gone -Populate {
            param($b)
            New-PerpService -Base $b -Name one -Command 'sleep 100000' -NoLog -Enable 3>$null | Out-Null
        }
        try {
            $up = Wait-PerpService -Base $gone.Base one -Timeout 30 -PassThru -ErrorAction Stop
            $s = Get-PerpService -Base $gone.Base one
            Stop-PerpDaemon -Base $gone.Base -Timeout 30 -Confirm:$false
            $s.Pid | Should -Be $up.Pid
            $s.ProcessCount | Should -BeNullOrEmpty
            $s.CpuTime | Should -BeNullOrEmpty
        } finally { Remove-TestBase $gone }
    }
}

Describe 'Watch-PerpService' -Tag CI, Events {
    It 'writes an Exited event with the signal for a kill -9' {
        $job = Start-ThreadJob -ScriptBlock {
            param($module, $b)
            Import-Module $module
            Watch-PerpService -Base $b -Name steady -Timeout 120 | Where-Object Event -eq Exited | Select-Object -First 1
        } -ArgumentList $PerpModule, $base
        # When the watcher has subscribed is not visible from here: kill (and let perpd
        # restart it) until the watcher reports one of the kills; the first kills may come
        # before it subscribed. No sleep guesses how long a thread job takes to start.
        $killed = @()
        $ev = $null
        for ($i = 0; $i -lt 20 -and -not $ev; $i++) {
            $victim = Wait-PerpService -Base $base steady -Timeout 30 -PassThru -ErrorAction Stop
            Stop-Process -Id $victim.Pid -Force
            $killed += $victim.Pid
            $victim | Wait-PerpService -NewProcess -Timeout 30 -ErrorAction Stop
            $ev = $job | Wait-Job -Timeout 1 | Receive-Job
        }
        $job | Remove-Job -Force
        $ev | Should -Not -BeNullOrEmpty
        $ev.Name | Should -Be 'steady'
        "$($ev.Event)" | Should -Be 'Exited'
        $killed | Should -Contain $ev.Pid
        $ev.Signal | Should -Be 9
    }

    It 'ends at its timeout with no event for a quiet service' {
        $events = @(Watch-PerpService -Base $base -Name three -Timeout 1)
        $events.Count | Should -Be 0
    }
}

Describe 'Waits report a death at once' -Tag CI, Events {
    It 'Start-PerpService of a service that exits 3 fails with PerpServiceExited naming 3' {
        { Start-PerpService -Base $base three -Timeout 30 -ErrorAction Stop } |
            Should -Throw -ErrorId 'PerpServiceExited*' -ExpectedMessage '*code 3*'
        Stop-PerpService -Base $base three -ErrorAction SilentlyContinue
    }
}
