#Requires -Version 7.4
# Issue #9's "done when", the module side, with real services under a real perpd: how the
# last run ended (LastExitKind, LastExitCode, LastSignal, LastExitTime, LastRunTime),
# Restarts and StartFailures for a clean exit 0, exit 3, SIGKILL, SIGSEGV, an exec failure,
# a flapping service, and the same fields of a logger that dies (PerpService.Log).

BeforeAll {
    . $PSScriptRoot/PerpTestHelpers.ps1
    Import-Module $PerpModule -Force
    $tb = New-TestBase -Populate {
        param($b)
        # Run-once services, inactive until the test enables them: one run each, then down.
        New-PerpService -Base $b -Name clean -Command 'exit 0' -NoLog -Once | Out-Null
        New-PerpService -Base $b -Name three -Command 'exit 3' -NoLog -Once | Out-Null
        New-PerpService -Base $b -Name killed -Command 'kill -KILL $$' -NoLog -Once | Out-Null
        New-PerpService -Base $b -Name segv -Command 'kill -SEGV $$' -NoLog -Once | Out-Null
        New-PerpService -Base $b -Name noexec -Command 'true' -NoLog -Once | Out-Null
        # rc.main names an interpreter that does not exist: perpd's execve fails (ENOENT).
        Set-Content -Path (Join-Path $b 'noexec' 'rc.main') -Value "#!/nonexistent/perpps-sh`nexit 0"
        New-PerpService -Base $b -Name flapper -Command 'exit 1' -NoLog | Out-Null
        New-PerpService -Base $b -Name logged -Command 'sleep 100000' | Out-Null
    }
    $base = $tb.Base

    function Wait-RunEnded([string] $Name) {
        # The once run is over: down, and perpd has recorded how it ended.
        $ok = Wait-Until -TimeoutSeconds 60 { $s = Get-PerpService -Base $base $Name; $s.Status -eq 'Down' -and $s.LastExitTime }
        $ok | Should -BeTrue -Because "$Name's run should end"
        Get-PerpService -Base $base $Name
    }
}

AfterAll { Remove-TestBase $tb }

Describe 'How the last run ended' -Tag CI, History {
    It '<Name>: LastExitKind <Kind>, LastExitCode <Code>, LastSignal <Signal>' -TestCases @(
        @{ Name = 'clean'; Kind = @('Exited'); Code = 0; Signal = $null }
        @{ Name = 'three'; Kind = @('Exited'); Code = 3; Signal = $null }
        @{ Name = 'killed'; Kind = @('Killed'); Code = $null; Signal = 9 }
        # Dumped where the core size limit lets the kernel write a core, Killed elsewhere.
        @{ Name = 'segv'; Kind = @('Killed', 'Dumped'); Code = $null; Signal = 11 }
        # perp's reading of an exec failure: exit 111.
        @{ Name = 'noexec'; Kind = @('ExecFailed'); Code = 111; Signal = $null }
    ) {
        param($Name, $Kind, $Code, $Signal)
        $before = Get-PerpService -Base $base $Name
        $before.LastExitTime | Should -BeNullOrEmpty
        Enable-PerpService -Base $base $Name | Out-Null
        $s = Wait-RunEnded $Name
        "$($s.LastExitKind)" | Should -BeIn $Kind
        $s.LastExitCode | Should -Be $Code
        $s.LastSignal | Should -Be $Signal
        $s.LastExitTime | Should -BeOfType [DateTime]
        $s.LastExitTime | Should -BeGreaterOrEqual $s.ActivationTime
        $s.LastRunTime | Should -BeOfType [TimeSpan]
        $s.LastRunTime | Should -BeGreaterOrEqual ([TimeSpan]::Zero)
        # A once run is not restarted; a run shorter than a second is a start failure.
        $s.Restarts | Should -Be 0
        $s.StartFailures | Should -Be 1
        $s.Pid | Should -Be 0
    }

    It 'the default list view shows the history fields' {
        $text = Get-PerpService -Base $base three | Format-List | Out-String
        $text | Should -Match 'LastExitKind\s*:\s*Exited'
        $text | Should -Match 'LastExitCode\s*:\s*3'
        $text | Should -Match 'Restarts\s*:\s*0'
    }

    It 'Where-Object and ConvertTo-Json work on the fields' {
        (Get-PerpService -Base $base | Where-Object LastExitKind -eq Killed).Name | Should -Contain 'killed'
        $json = Get-PerpService -Base $base noexec | ConvertTo-Json -Depth 2 | ConvertFrom-Json
        $json.LastExitKind | Should -Be 'ExecFailed'
        $json.LastExitCode | Should -Be 111
    }

    It 'Start-PerpService of a once service that exits 3 reports PerpServiceExited, and the fields follow the new run' {
        $before = Get-PerpService -Base $base three
        { Start-PerpService -Base $base three -Timeout 60 -ErrorAction Stop } |
            Should -Throw -ErrorId 'PerpServiceExited*' -ExpectedMessage '*code 3*'
        $s = Wait-RunEnded three
        $s.LastExitCode | Should -Be 3
        $s.LastExitTime | Should -BeGreaterThan $before.LastExitTime
        $s.StartFailures | Should -Be 2
    }
}

Describe 'A flapping service' -Tag CI, History {
    It 'Restarts climbs by about one a second, and every run counts as a start failure' {
        Enable-PerpService -Base $base flapper | Out-Null
        Wait-Until -TimeoutSeconds 60 { (Get-PerpService -Base $base flapper).Restarts -ge 1 } | Should -BeTrue
        $first = Get-PerpService -Base $base flapper
        Wait-Until -TimeoutSeconds 60 { (Get-PerpService -Base $base flapper).Restarts -ge $first.Restarts + 3 } | Should -BeTrue
        $later = Get-PerpService -Base $base flapper
        $later.LastExitKind | Should -Be Exited
        $later.LastExitCode | Should -Be 1
        $later.StartFailures | Should -BeGreaterOrEqual ($later.Restarts)
        # The respawn governor holds each start a second after the previous one: by perpd's
        # own clock (the exit times it reports), never more than one restart a second (+1
        # for where the two readings fall). A slow machine only makes it fewer.
        $seconds = ($later.LastExitTime - $first.LastExitTime).TotalSeconds
        ($later.Restarts - $first.Restarts) | Should -BeLessOrEqual ([Math]::Floor($seconds) + 1)
        Stop-PerpService -Base $base flapper
    }
}

Describe 'A logger that dies' -Tag CI, History {
    It 'Log.LastSignal is 9 after a kill -9 of the logger, Log.Restarts grows, main is untouched' {
        Enable-PerpService -Base $base logged | Out-Null
        Wait-Until -TimeoutSeconds 60 { $s = Get-PerpService -Base $base logged; $s.Status -eq 'Up' -and $s.Log.Status -eq 'Up' } |
            Should -BeTrue
        $before = Get-PerpService -Base $base logged
        $before.Log.LastExitTime | Should -BeNullOrEmpty
        Stop-Process -Id $before.Log.Pid -Force
        # The new run, not the reset between (its process also has a new pid; the restart is
        # counted when the reset is done).
        Wait-Until -TimeoutSeconds 60 { $l = (Get-PerpService -Base $base logged).Log; $l.Pid -gt 0 -and $l.Pid -ne $before.Log.Pid -and "$($l.Status)" -ne 'Resetting' } |
            Should -BeTrue
        $after = Get-PerpService -Base $base logged
        "$($after.Log.LastExitKind)" | Should -Be 'Killed'
        $after.Log.LastSignal | Should -Be 9
        $after.Log.LastExitCode | Should -BeNullOrEmpty
        $after.Log.LastExitTime | Should -BeOfType [DateTime]
        $after.Log.Restarts | Should -Be ($before.Log.Restarts + 1)
        # main's history is its own: still its first run.
        $after.Pid | Should -Be $before.Pid
        $after.LastExitTime | Should -BeNullOrEmpty
        $after.Restarts | Should -Be 0
    }
}
