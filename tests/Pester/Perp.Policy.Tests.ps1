#Requires -Version 7.4
# Issue #10, the module side, on a real perpd: the policy parameters of New-/Set-PerpService,
# readiness, dependencies (start first, refuse/force a stop, a cycle), give-up and a forced
# stop. Every assertion is on what the services themselves recorded or on perpd's status:
# no wall-clock threshold (the machine is loaded).

BeforeAll {
    . $PSScriptRoot/PerpTestHelpers.ps1
    Import-Module $PerpModule -Force
    $tb = New-TestBase
    $base = $tb.Base
    $s = Join-Path $TestDrive 'scratch'
    New-Item -ItemType Directory -Path $s | Out-Null

    function New-Svc {
        # A service made by New-PerpService, enabled and activated, without a logger.
        param([string] $Name, [string] $Command, [hashtable] $Policy = @{}, [switch] $Down)
        New-PerpService -Base $base -Name $Name -Command $Command -NoLog -Enable -Down:$Down @Policy 3>$null -ErrorAction Stop | Out-Null
    }

    function Get-GroupMembers([int] $Group) {
        # Pids of live processes whose process group is $Group (from /proc/PID/stat, field 5).
        foreach ($dir in [IO.Directory]::GetDirectories('/proc')) {
            $name = [IO.Path]::GetFileName($dir)
            if ($name -notmatch '^\d+$') { continue }
            try { $stat = [IO.File]::ReadAllText("$dir/stat") } catch { continue }
            $fields = $stat.Substring($stat.LastIndexOf(')') + 2).Split(' ')
            if ($fields[0] -ne 'Z' -and [int]$fields[2] -eq $Group) { [int]$name }
        }
    }
}

AfterAll { Remove-TestBase $tb }

Describe 'New-PerpService and Set-PerpService policy parameters' -Tag CI, Policy {
    It 'New-PerpService writes every policy file' {
        $check = Join-Path $s 'check.sh'
        Set-Content -LiteralPath $check -Value "#!/bin/sh`nexit 0"
        $p = New-PerpService -Base $base -Name files -Command 'sleep 100000' -NoLog -DependsOn alpha, beta -ReadyFd 3 `
            -HealthCheck 'test -e ./alive' -CheckInterval 5 -StopTimeout 2.5 -StopSignal INT -RestartBackoff 8 -GiveUp 5, 60
        $dir = $p.Path
        Get-Content -Raw "$dir/dependencies" | Should -Be "alpha`nbeta`n"
        Get-Content -Raw "$dir/notification-fd" | Should -Be "3`n"
        Get-Content -Raw "$dir/check" | Should -Be "#!/bin/sh`ntest -e ./alive`n"
        (Get-Item "$dir/check").UnixMode | Should -Be '-rwxr-xr-x'
        Get-Content -Raw "$dir/check-interval" | Should -Be "5`n"
        Get-Content -Raw "$dir/timeout-kill" | Should -Be "2500`n"
        Get-Content -Raw "$dir/down-signal" | Should -Be "INT`n"
        Get-Content -Raw "$dir/restart-backoff" | Should -Be "8`n"
        Get-Content -Raw "$dir/give-up" | Should -Be "5 60`n"
        $p.RequiredServices | Should -Be @('alpha', 'beta')
    }

    It 'Set-PerpService replaces and, given $null, removes them; -HealthCheck copies a file' {
        $check = Join-Path $s 'check.sh'
        Set-Content -LiteralPath $check -Value "#!/bin/sh`necho checked"
        Set-PerpService -Base $base -Name files -ReadyFd $null -GiveUp $null -DependsOn @() -StopSignal '' -HealthCheck $check -RestartBackoff 16
        $dir = Join-Path $base files
        "$dir/notification-fd", "$dir/give-up", "$dir/dependencies", "$dir/down-signal" | ForEach-Object { $_ | Should -Not -Exist }
        Get-Content -Raw "$dir/check" | Should -Be (Get-Content -Raw $check)
        Get-Content -Raw "$dir/restart-backoff" | Should -Be "16`n"
        (Get-PerpService -Base $base files).RequiredServices | Should -BeNullOrEmpty
    }

    It 'New-PerpService refuses <Parameter> <Value> with PerpServiceInvalidPolicy and creates nothing' -TestCases @(
        @{ Parameter = 'ReadyFd'; Value = 2 }
        @{ Parameter = 'ReadyFd'; Value = 1024 }
        @{ Parameter = 'ReadyFd'; Value = -1 }
        @{ Parameter = 'StopSignal'; Value = 'KILL' }
        @{ Parameter = 'StopSignal'; Value = 'soon' }
        @{ Parameter = 'StopTimeout'; Value = 0 }
        @{ Parameter = 'CheckInterval'; Value = 0 }
        @{ Parameter = 'RestartBackoff'; Value = 86401 }
        @{ Parameter = 'GiveUp'; Value = '5' }
        @{ Parameter = 'GiveUp'; Value = @('x', '60') }
        @{ Parameter = 'DependsOn'; Value = '../etc' }
        @{ Parameter = 'DependsOn'; Value = 'bad' }
    ) {
        param($Parameter, $Value)
        $policy = @{ $Parameter = $Value }
        { New-PerpService -Base $base -Name bad -Command 'sleep 1' -NoLog @policy -ErrorAction Stop } |
            Should -Throw -ErrorId 'PerpServiceInvalidPolicy,PerpPS.Cmdlets.NewPerpServiceCommand'
        Join-Path $base bad | Should -Not -Exist
    }

    It 'Set-PerpService refuses a bad value and leaves the files as they were' {
        { Set-PerpService -Base $base -Name files -StopSignal STOP -ErrorAction Stop } |
            Should -Throw -ErrorId 'PerpServiceInvalidPolicy,PerpPS.Cmdlets.SetPerpServiceCommand'
        Join-Path $base files/down-signal | Should -Not -Exist
        $err = $null
        Set-PerpService -Base $base -Name files -ReadyFd 1 -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
        $err[0].Exception.Message | Should -BeLike '*3 to 1023*'
    }
}

Describe 'Readiness' -Tag CI, Policy {
    It 'Start-PerpService returns once a service that is ready after 2 s says so, not before' {
        $marker = Join-Path $s 'late.ready'
        New-Svc late "sleep 2; echo ready > $marker; echo >&3; exec 3>&-; exec sleep 100000" -Policy @{ ReadyFd = 3 } -Down
        Start-PerpService -Base $base late -ErrorAction Stop
        $marker | Should -Exist
        $svc = Get-PerpService -Base $base late
        $svc.Status | Should -Be Up
        $svc.Ready | Should -BeTrue
        $svc.Health | Should -Be Unknown
    }

    It 'Wait-PerpService -Ready waits for the notification; until then the service is Starting' {
        $marker = Join-Path $s 'late.ready'
        Remove-Item $marker -ErrorAction SilentlyContinue
        $old = Get-PerpService -Base $base late
        Restart-PerpService -Base $base late -NoWait
        $early = Get-PerpService -Base $base late
        # -NoWait returns once perpd has the command: the old run may not have ended yet.
        if (-not (Test-Path $marker) -and ($early.Pid -eq 0 -or $early.Pid -ne $old.Pid)) {
            # The new run (or about to be) but not ready yet: Starting, Ready not true.
            $early.Status | Should -BeIn Starting, Resetting
            $early.Ready | Should -Not -BeTrue
        }
        $svc = Wait-PerpService -Base $base late -Ready -Timeout 60 -PassThru -ErrorAction Stop
        $svc.Ready | Should -BeTrue
        $marker | Should -Exist
    }
}

Describe 'Dependencies' -Tag CI, Policy {
    BeforeAll {
        # top -> mid -> bottom. Each records, as it starts, whether what it depends on was
        # ready (its marker), and, as it stops, whether its dependant had stopped already.
        foreach ($n in 'bottom', 'mid', 'top') {
            $dep = @{ bottom = ''; mid = 'bottom'; top = 'mid' }[$n]
            $dependant = @{ bottom = 'mid'; mid = 'top'; top = '' }[$n]
            $saw = if ($dep) { "if [ -e $s/$dep.ready ]; then echo ok; else echo early; fi > $s/$n.saw" } else { 'sleep 1' }
            $order = if ($dependant) { "if [ -e $s/$dependant.stopped ]; then echo ok; else echo early; fi > $s/$n.order;" } else { '' }
            $cmd = @"
rm -f $s/$n.stopped
$saw
trap '$order touch $s/$n.stopped; rm -f $s/$n.ready; exit 0' TERM
touch $s/$n.ready
echo >&3; exec 3>&-
while :; do sleep 0.2; done
"@
            $policy = @{ ReadyFd = 3 }
            if ($dep) { $policy.DependsOn = $dep }
            New-Svc $n $cmd -Policy $policy -Down
        }
    }

    It 'shows RequiredServices and DependentServices, and -RequiredServices/-DependentServices follow them' {
        $mid = Get-PerpService -Base $base mid
        $mid.RequiredServices | Should -Be @('bottom')
        $mid.DependentServices | Should -Be @('top')
        (Get-PerpService -Base $base top -RequiredServices).Name | Should -Be 'mid'
        (Get-PerpService -Base $base bottom -DependentServices).Name | Should -Be 'mid'
    }

    It 'the policy fields survive Export-Clixml and Import-Clixml' {
        $file = Join-Path $TestDrive 'mid.xml'
        Get-PerpService -Base $base mid | Export-Clixml -LiteralPath $file
        $back = Import-Clixml -LiteralPath $file
        $back | Should -BeOfType [PerpPS.Cmdlets.PerpService]
        $back.RequiredServices | Should -Be @('bottom')
        $back.DependentServices | Should -Be @('top')
        $back.Health | Should -Be Unknown
        $back.Ready | Should -BeFalse
    }

    It 'Start-PerpService of the top one starts its dependencies first' {
        Start-PerpService -Base $base top -Timeout 120 -ErrorAction Stop
        foreach ($n in 'bottom', 'mid', 'top') { (Get-PerpService -Base $base $n).Status | Should -Be Up -Because "$n was started" }
        Get-Content "$s/mid.saw" | Should -Be ok
        Get-Content "$s/top.saw" | Should -Be ok
    }

    It 'Stop-PerpService refuses a service with running dependants (PerpServiceHasDependents)' {
        { Stop-PerpService -Base $base bottom -ErrorAction Stop } |
            Should -Throw -ErrorId 'PerpServiceHasDependents,PerpPS.Cmdlets.StopPerpServiceCommand'
        (Get-PerpService -Base $base bottom).Status | Should -Be Up
    }

    It 'Stop-PerpService -Force stops the dependants first, in order' {
        Stop-PerpService -Base $base bottom -Force -Timeout 60 -ErrorAction Stop
        foreach ($n in 'bottom', 'mid', 'top') { (Get-PerpService -Base $base $n).Status | Should -Be Down -Because "$n was stopped" }
        Get-Content "$s/mid.order" | Should -Be ok
        Get-Content "$s/bottom.order" | Should -Be ok
    }

    It 'Stop-PerpService of the chain, top first, needs no -Force' {
        Start-PerpService -Base $base top -Timeout 120 -ErrorAction Stop
        Stop-PerpService -Base $base top, mid, bottom -Timeout 60 -ErrorAction Stop
        Get-Content "$s/mid.order" | Should -Be ok
        Get-Content "$s/bottom.order" | Should -Be ok
    }

    It 'a missing dependency and a cycle are reported in status, and Start refuses the cycle' {
        New-Svc needy 'exec sleep 100000' -Policy @{ DependsOn = 'absent' }
        New-Svc c1 'exec sleep 100000' -Policy @{ DependsOn = 'c2' } -Down
        New-Svc c2 'exec sleep 100000' -Policy @{ DependsOn = 'c1' }
        Wait-PerpService -Base $base needy -Status WaitingForDependency -Timeout 30 -ErrorAction Stop
        $needy = Get-PerpService -Base $base needy
        $needy.WaitingFor | Should -Be absent
        $needy.WaitReason | Should -Be 'absent (not an active service)'
        $c2 = Wait-PerpService -Base $base c2 -Status WaitingForDependency -Timeout 30 -PassThru -ErrorAction Stop
        $c2.WaitingFor | Should -Be c1
        $c2.WaitReason | Should -Be 'dependency cycle: c2 -> c1 -> c2'
        { Start-PerpService -Base $base c1 -ErrorAction Stop } |
            Should -Throw -ErrorId 'PerpServiceDependencyCycle,PerpPS.Cmdlets.StartPerpServiceCommand'
        $text = & (Join-Path $PerpBin perpstat) -b $base c2 needy
        $text | Should -Contain '  main policy: waiting for a dependency: dependency cycle: c2 -> c1 -> c2'
        $text | Should -Contain '  main policy: waiting for a dependency: absent (not an active service)'
        $json = & (Join-Path $PerpBin perpstat) -b $base -j needy | ConvertFrom-Json
        $json.main.policy.waitingFor | Should -Be absent
    }
}

Describe 'Give-up and forced stops' -Tag CI, Policy {
    It 'a crash loop ends in Failed, and Start-PerpService clears it' {
        $broken = Join-Path $s 'broken'
        Set-Content -LiteralPath $broken -Value ''
        New-Svc crasher "if [ -e $broken ]; then exit 1; fi; exec sleep 100000" -Policy @{ GiveUp = '2 60' }
        $failed = Wait-PerpService -Base $base crasher -Status Failed -Timeout 60 -PassThru -ErrorAction Stop
        $failed.Pid | Should -Be 0
        $failed.LastExitCode | Should -Be 1
        Remove-Item $broken
        Start-PerpService -Base $base crasher -ErrorAction Stop
        (Get-PerpService -Base $base crasher).Status | Should -Be Up
    }

    It 'Stop-PerpService -Force kills a service and its child that ignore SIGTERM' {
        New-Svc deaf "trap '' TERM; sh -c 'trap `"`" TERM; while :; do sleep 1; done' & while :; do sleep 1; done"
        $svc = Wait-PerpService -Base $base deaf -Status Up -Timeout 30 -PassThru -ErrorAction Stop
        $group = $svc.Pid
        Wait-Until { @(Get-GroupMembers $group).Count -ge 3 } | Should -BeTrue
        # Without -Force the stop times out and the service stays Stopping.
        { Stop-PerpService -Base $base deaf -Timeout 1 -ErrorAction Stop } |
            Should -Throw -ErrorId 'PerpServiceWaitTimeout,PerpPS.Cmdlets.StopPerpServiceCommand'
        (Get-PerpService -Base $base deaf).Status | Should -Be Stopping
        Stop-PerpService -Base $base deaf -Force -Timeout 1 -WarningVariable warned -WarningAction SilentlyContinue -ErrorAction Stop
        (Get-PerpService -Base $base deaf).Status | Should -Be Down
        "$warned" | Should -BeLike '*SIGKILL*'
        @(Get-GroupMembers $group) | Should -BeNullOrEmpty
    }
}
