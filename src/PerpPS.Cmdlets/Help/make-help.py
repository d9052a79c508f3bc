#!/usr/bin/env python3
"""Writes module/en-US/PerpPS.Cmdlets.dll-Help.xml (MAML) from the texts below and the
cmdlet metadata in commands.json (parameter sets, types, positions, pipeline input; dumped
from the built module). Run it after changing a cmdlet's parameters or help text:
    python3 src/PerpPS.Cmdlets/Help/make-help.py
The Cmdlets tests fail when a cmdlet or parameter lacks help."""
import json, os
from xml.sax.saxutils import escape

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, '..', '..', '..'))

# Parameter texts shared by several cmdlets (a cmdlet's own entry wins).
COMMON = {
    'Name': 'Names of service directories in the base. Wildcards are honoured (a wildcard that matches nothing is silent); a literal name that does not exist is a non-terminating PerpServiceNotFound error. Accepts pipeline input by value and by property name (Name, ServiceName).',
    'InputObject': 'Service objects from Get-PerpService. The cmdlet reads each service afresh before acting, so stale objects are fine.',
    'Base': 'The perp base directory. Default: $env:PERP_BASE when set and not empty, else /etc/perp. A relative path is taken against the current PowerShell location.',
    'PassThru': 'Writes the refreshed PerpService object to the pipeline after the action. By default the cmdlet writes nothing.',
    'NoWait': 'Returns as soon as perpd accepted the command instead of waiting for the new state.',
    'Timeout': 'Seconds to wait for the new state; 0 waits without limit. On timeout a non-terminating PerpServiceWaitTimeout error (a TimeoutException, category OperationTimeout) is written. Default: 60.',
    'IncludeLog': 'Acts on the logger (rc.log) as well as on main.',
}

H = {}

H['Get-PerpService'] = dict(
    synopsis='Gets the services of a perp base and their state.',
    description='Get-PerpService writes one PerpService object per service directory of the base (every entry not starting with a dot that is a directory, active or not), sorted by name, with what perpd reports: Status (Up, Down, Starting, Resetting, Paused, Stopping, Inactive, Activating, Deactivating, Reactivating), Pid, Uptime, StartTime, WantDown, Once, Paused, HasLog, the logger in Log, DaemonPid and perpls\'s panel, and how main\'s last run ended: LastExitKind, LastExitCode, LastSignal, LastExitTime, LastRunTime, Restarts and StartFailures, and with cgroup containment ProcessCount (processes in the service\'s cgroup) and CpuTime (the cgroup\'s CPU time) (the logger\'s in Log); these are $null against perp 2.07\'s perpd, which does not report them, and ProcessCount and CpuTime are $null when perpd runs without cgroups. All services are read in one bulk request, without the cgroup figures: reading them is most of what that request costs perpd. ProcessCount and CpuTime (main\'s and the logger\'s) are read when one of them is first looked at (as System.Diagnostics.Process reads its figures): the first object looked at asks perpd for its service, the next one for all the others of the same Get-PerpService at once (so sorting or selecting on them costs two requests, not one per service), on a connection of its own; the answer is kept on the object, so its four figures come from the same moment, that of the look, not that of Get-PerpService; they are $null when perpd has stopped since or no longer supervises the service. Formatting, Select-Object, ConvertTo-Json and serialization for remoting or Export-Clixml read them like any property. Objects written by -PassThru of the other cmdlets carry them from their own read. StartupType (the flag files on disk) is likewise looked up when first looked at, and kept; so is Enabled (the sticky bit) of a service perpd supervises, since the listing takes each plain directory\'s identity from the directory entry instead of a stat() of it. Status follows perp\'s reading: a process younger than half a second is still Starting, a service that wants up but is not running is Starting. perpd not running on the base is a terminating PerpDaemonNotRunning error.',
    params={'Name': 'Names of service directories; wildcards are honoured. Default: all (*). A literal name that does not exist is a non-terminating PerpServiceNotFound error.',
            'Include': 'Wildcard patterns: only services whose names match one of them are written (as Get-Service -Include).',
            'Exclude': 'Wildcard patterns: services whose names match one of them are left out (as Get-Service -Exclude).'},
    examples=[('Get-PerpService', 'Lists every service of the base in $env:PERP_BASE (or /etc/perp) in a table that reads like perpls.'),
              ("Get-PerpService -Base /srv/perp web*", 'Gets the services whose names start with web.'),
              ("Get-PerpService -Include api-*, web -Exclude *-test", 'Gets web and the api services, without the test ones.'),
              ("(Get-PerpService web).Status | Should -Be Up", 'A Pester assertion on a service\'s status.'),
              ("Get-PerpService | Where-Object Restarts -gt 10 | Format-Table Name, Restarts, StartFailures, LastExitKind, LastExitCode, LastSignal, LastExitTime", 'The services that keep crashing, and how their last run ended.'),
              ("Get-PerpService web | Select-Object -ExpandProperty Log | Format-List LastExitKind, LastSignal, LastExitTime, Restarts", 'How web\'s logger last ended and how often it was restarted.')])

H['Start-PerpService'] = dict(
    synopsis='Starts services (perpctl u).',
    description='Start-PerpService asks perpd to start main (perpctl u; perpctl o for a service flagged once, so that it keeps running once) and waits until it is Up, that is, has run its start target for more than half a second (a once service: until it has started). The wait sleeps on perpd\'s event stream. A run that ends before it is Up (a once service: with a code other than 0) is a non-terminating PerpServiceExited error naming the exit code or signal, reported at once instead of a timeout (against perp 2.07\'s perpd, which does not report exits, the wait polls and times out). Starting a running service is success. The service must be enabled and activated, else PerpServiceNotActive.',
    params={},
    examples=[("Start-PerpService web", 'Starts web and waits until it is up.'),
              ("Get-PerpService | Where-Object Status -eq Down | Start-PerpService", 'Starts every service that is down.'),
              ("Start-PerpService web -NoWait -PassThru", 'Starts web without waiting and shows its state.')])

H['Stop-PerpService'] = dict(
    synopsis='Stops services (perpctl d).',
    description='Stop-PerpService asks perpd to stop main and not restart it (perpctl d: SIGTERM then SIGCONT) and waits until it is Down, that is, until its reset has finished; it returns as soon as perpd reports the change on its event stream. Stopping a stopped or inactive service is success.',
    params={},
    examples=[("Stop-PerpService web", 'Stops web and waits until it is down.'),
              ("Stop-PerpService web -IncludeLog", 'Stops web, then its logger (perpctl D).')])

H['Restart-PerpService'] = dict(
    synopsis='Restarts services.',
    description='Restart-PerpService sends perpctl d then u (o for a once service): perpd stops the running process, runs its reset and starts it again. A stopped service is started. The cmdlet waits until a run that began after the command is Up.',
    params={},
    examples=[("Restart-PerpService web", 'Restarts web and waits until the new process is up.'),
              ("Get-PerpService app* | Restart-PerpService -PassThru", 'Restarts the app services and shows their new pids.')])

H['Suspend-PerpService'] = dict(
    synopsis='Pauses services with SIGSTOP (perpctl p).',
    description='Suspend-PerpService asks perpd to stop main with SIGSTOP and remember it as paused, then waits until perpd reports it Paused. A service that is not Up (down, starting, resetting) cannot be suspended: PerpServiceNotRunning. Suspending a paused service is success.',
    params={},
    examples=[("Suspend-PerpService batch", 'Pauses batch.')])

H['Resume-PerpService'] = dict(
    synopsis='Resumes paused services (perpctl c).',
    description='Resume-PerpService sends SIGCONT through perpd, which clears the paused mark, and waits until the service is no longer Paused. Resuming a service that is not paused is success.',
    params={},
    examples=[("Resume-PerpService batch", 'Continues batch.')])

H['Set-PerpService'] = dict(
    synopsis='Changes a service\'s once flag or its startup type.',
    description='Set-PerpService -Once flags main to run once: it is not restarted after its current run, and a stopped service runs once at its next start. -Once:$false clears the flag: main is restarted again after its runs; a stopped service stays stopped, and the next Start-PerpService starts it for good. Only the flag changes, running or not: nothing is started or stopped (perpd\'s O packet, docs/protocol-extensions.md). Against perp 2.07\'s perpd, which lacks it, a running service is flagged with perpctl o / u and a stopped one is refused with PerpOnceNotSupported (o would start it). -StartupType writes the flag files perpd reads at the next activation: Automatic (none), Manual (flag.down) or Once (flag.once).',
    params={'Once': 'A switch. -Once: main runs once. -Once:$false: main is restarted again after it exits. Applied to running and stopped services alike, without starting or stopping them. Without -Once the flag is left as it is.',
            'StartupType': 'Automatic, Manual (writes flag.down) or Once (writes flag.once). Takes effect when perpd next activates the service.'},
    examples=[("Set-PerpService web -Once", 'web will not be restarted after it exits.'),
              ("Get-PerpService | Where-Object Once | Set-PerpService -Once:$false", 'Clears the once flag of every service, stopped ones included; none is started.'),
              ("Set-PerpService standby -StartupType Manual", 'standby will not be started when perpd activates it.')])

H['Send-PerpSignal'] = dict(
    synopsis='Has perpd send a signal to a service\'s process or process group.',
    description='Send-PerpSignal asks perpd to deliver one of the signals perpctl knows (ALRM, CONT, HUP, INT, KILL, QUIT, TERM, WINCH, USR1, USR2) to main or, with -Log, the logger; with -ProcessGroup to its whole process group. Nothing running is a PerpServiceNotRunning error. While the target runs its reset perpd delivers only CONT and KILL; the cmdlet warns about dropped signals.',
    params={'Signal': 'The signal, without the SIG prefix: ALRM, CONT, HUP, INT, KILL, QUIT, TERM, WINCH, USR1 or USR2.',
            'Log': 'Signals the logger instead of main.',
            'ProcessGroup': 'Signals the whole process group of the target (kill(-pid)).',
            'PassThru': 'Writes the PerpService object after sending.'},
    examples=[("Send-PerpSignal web HUP", 'Sends SIGHUP to web, e.g. to reload its configuration.'),
              ("Send-PerpSignal web TERM -Log", 'Terminates the logger of web; perpd restarts it.')])

H['Enable-PerpService'] = dict(
    synopsis='Activates services: sets the sticky bit and rescans (perpctl A).',
    description='Enable-PerpService sets the sticky bit of each service directory and sends perpd a SIGHUP, then waits until perpd has activated the service. perpd starts main unless flag.down exists. When perpd is not running the bit is set anyway and a warning says the change takes effect when perpd starts.',
    params={},
    examples=[("Enable-PerpService web", 'Activates web.'),
              ("Get-PerpService | Where-Object Status -eq Inactive | Enable-PerpService -PassThru", 'Activates every inactive service.')])

H['Disable-PerpService'] = dict(
    synopsis='Deactivates services: clears the sticky bit and rescans (perpctl X).',
    description='Disable-PerpService clears the sticky bit of each service directory and sends perpd a SIGHUP, then waits until perpd has stopped main and log, run their resets and forgotten the service. When perpd is not running only the bit changes, with a warning.',
    params={},
    examples=[("Disable-PerpService web", 'Deactivates web and waits until perpd let go of it.')])

H['New-PerpService'] = dict(
    synopsis='Creates a service directory with its runscripts.',
    description='New-PerpService creates BASE/NAME with an rc.main that runs -Command with /bin/sh (stderr joined to stdout) on start and does nothing on reset, and, unless -NoLog, an rc.log that runs tinylog -t into -LogDirectory (default: the directory log inside the service directory; Get-PerpLog reads it). rc.log names tinylog as an installed system has it: by the bare name when tinylog is on PATH (perpd looks it up on its own PATH at each start), else by the absolute path of the copy bundled with the module. The service is created inactive; -Enable activates it and waits until perpd has it. -Down and -Once write flag.down and flag.once. An existing directory is PerpServiceExists.',
    params={'Name': 'The directory name of the new service (no slash, not starting with a dot).',
            'Command': '/bin/sh text, written into rc.main as given (never re-quoted): quote inside it as you would in a shell script. One simple command (words and quoted words, e.g. "sleep 1000" or "/usr/bin/python3 -m http.server 8080") is written as exec COMMAND, so the process perpd supervises is the command itself. Anything else, a command that starts with exec already or has ;, &&, |, redirections, substitutions, an assignment or several lines, or starts with a shell builtin or reserved word (exit 3, cd, wait, if, ...), runs as written in rc.main\'s shell: end it with exec LASTCOMMAND to keep one process.',
            'NoLog': 'Writes no rc.log; main\'s output then goes to perpd\'s output.',
            'LogDirectory': 'tinylog\'s directory, relative to the service directory or absolute. Default: log.',
            'Down': 'Writes flag.down: perpd does not start main when it activates the service.',
            'Once': 'Writes flag.once: main runs once per activation.',
            'Enable': 'Activates the service (sticky bit and rescan) and waits until perpd has it.'},
    examples=[("New-PerpService web -Command 'python3 -m http.server 8080' -Enable", 'Creates, logs and starts a web server.'),
              ("New-PerpService backup -Command '/usr/local/bin/backup.sh' -Once -NoLog", 'Creates a one-shot service without logger, inactive.'),
              ("New-PerpService api -Command 'cd /srv/api && exec ./serve --port 9000' -Enable", 'A shell line: rc.main runs it as written; the exec makes serve the supervised process.')])

H['Import-PerpService'] = dict(
    synopsis='Imports runit, daemontools and s6 service directories, systemd units and Procfiles as perp services.',
    description='Import-PerpService writes one perp service directory per service found at -Path (a service directory, a directory of them, a .service unit or a directory of units, a Procfile or a directory holding one), with the same converters as the perp-import tool. Directory services are copied (without supervise/ and event/) and wrapped: rc.main start execs ./run (runit: through runenv ./env), reset runs ./finish with the arguments runit (exit code or -1, signal number) or s6 (exit code or 256, signal number; exit 125 keeps it down) passes, log/run becomes rc.log, down becomes flag.down, and check, notification-fd, timeout-kill, down-signal and dependencies (from s6 dependencies.d/) are PerpPS policy files. A systemd unit becomes a run script (ExecStartPre=, ExecStart=, WorkingDirectory=, UMask=) started through runenv (Environment=, EnvironmentFile=), runuid (User=, Group=) and runlimit (Limit*=); Restart= and RestartSec= are decided in the reset target (Restart=no writes flag.once), TimeoutStopSec= becomes timeout-kill, KillSignal= down-signal, Requires=/After= dependencies, PIDFile= of a Type=forking unit the pidfile, and rc.log runs tinylog into ./log. A Procfile line becomes a service running its command in the Procfile\'s directory with .env and foreman\'s PORT. Everything that cannot be carried over is a warning naming the source file and line. Services are written inactive unless -Enable; an existing directory is PerpServiceExists, a source that cannot be imported PerpServiceImportFailed. -WhatIf converts and warns but writes nothing.',
    params={'Path': 'A service directory, a directory of service directories, a systemd unit file (or a directory of units), or a Procfile (or its directory). Accepts pipeline input, also by property name (FullName, so Get-ChildItem output works).',
            'Format': 'The source format: Runit, Daemontools, S6, Systemd or Procfile. Default (Auto): guessed from the files present.',
            'Name': 'The service name in the base, for a single imported service. Default: the source directory\'s name, the unit name without .service, or the Procfile entry\'s name.',
            'Prefix': 'Text put before every imported service\'s name, e.g. app- for the processes of a Procfile.',
            'NoLog': 'Writes no tinylog rc.log for sources without a logger of their own (systemd units, Procfiles).',
            'Enable': 'Sets the sticky bit of each imported service, sends perpd one rescan and waits until it has them.'},
    examples=[("Import-PerpService /etc/sv/web -Enable", 'Imports the runit service web (run, finish, log/run, down, env/) and activates it.'),
              ("Import-PerpService /etc/systemd/system/webapp.service -WhatIf", 'Shows the warnings for what a unit would lose, writing nothing.'),
              ("Import-PerpService ./Procfile -Prefix shop- -Enable", 'Imports every process type of a Procfile as shop-web, shop-worker, ...')])

H['Remove-PerpService'] = dict(
    synopsis='Deactivates services and deletes their directories.',
    description='Remove-PerpService clears the sticky bit, sends perpd a SIGHUP, waits until perpd has stopped the service (main and log, with their resets) and forgotten it, then deletes the service directory (a symlink is removed, not followed). When perpd is not running the directory is deleted at once. A service that does not let go within -Timeout is left in place with a PerpServiceWaitTimeout error. ConfirmImpact is High: PowerShell asks unless -Confirm:$false.',
    params={'Timeout': 'Seconds to wait for perpd to let go of the service; 0 waits without limit. Default: 60.'},
    examples=[("Remove-PerpService web -Confirm:$false", 'Stops and deletes web without asking.')])

H['Wait-PerpService'] = dict(
    synopsis='Waits until services reach a status and, optionally, an uptime.',
    description='Wait-PerpService waits until each service\'s Status equals -Status (default Up) and, with -MinimumUptime, main has been running for that many seconds. It sleeps on perpd\'s event stream and re-checks at each change (against perp 2.07\'s perpd, which has none, it polls). Waiting for Up, a run of main that ends meanwhile is a non-terminating PerpServiceExited error with its exit code or signal, not a timeout. It shows progress while waiting and writes PerpServiceWaitTimeout (a TimeoutException) when -Timeout passes. Ctrl-C stops the wait.',
    params={'Status': 'The status to wait for. Default: Up.',
            'Timeout': 'Seconds to wait; 0 (the default) waits without limit.',
            'MinimumUptime': 'Seconds main must have been running, exactly: 1 is met after a full second, not at perp\'s rounded "1s" at half a second.',
            'NewProcess': 'Waits for a process other than the one the service had: for a PerpService piped in, the process that object shows (so $s | Wait-PerpService -NewProcess waits past $s.Pid even when perpd restarted the service before the wait began), else the one it has when the wait began (another pid, or another start time), so a check right after a kill or a restart cannot see the old process. The end of that old process during the wait is expected, not a PerpServiceExited error.',
            'PassThru': 'Writes the PerpService object once it reached the state.'},
    examples=[("Wait-PerpService web -MinimumUptime 5 -Timeout 30", 'Waits until web has been up for 5 seconds, at most 30 seconds.'),
              ("Stop-PerpService web -NoWait; Wait-PerpService web -Status Down", 'Waits separately for a stop.'),
              ("$s = Get-PerpService web; Send-PerpSignal web KILL; $s | Wait-PerpService -NewProcess", 'Waits until perpd has started web again after the kill.')])

H['Watch-PerpService'] = dict(
    synopsis='Writes an event object for each change of services, as perpd reports it.',
    description='Watch-PerpService subscribes to perpd\'s event stream (docs/protocol-extensions.md) and writes one PerpServiceEvent per change until Ctrl-C or -Timeout: Name, Event (Activated, Deactivating, Deactivated, Started, Exited, ResetStarted, ResetDone, Down, ExecFailed, ForkFailed, StartHeld, WantUp, WantDown, Paused, Continued, Overflow), Time, Target (Main, Log, Service), Pid, ExitCode, Signal, Sequence and Detail. A kill -9 of a running main shows as Exited (Signal 9), ResetStarted, ResetDone, Started. Overflow (Name empty, Detail = events dropped) means the watcher fell behind. perp 2.07\'s perpd has no event stream: that is a terminating PerpEventsNotSupported error.',
    params={'Name': 'Services to watch; wildcards are honoured. Default: all (*), including services activated later. A literal name that does not exist is a non-terminating PerpServiceNotFound error.',
            'Timeout': 'Seconds to watch; 0 (the default) watches until Ctrl-C.'},
    examples=[("Watch-PerpService | Where-Object Event -eq Exited", 'Shows every run that ends, with its exit code or signal.'),
              ("Watch-PerpService web -Timeout 60 | Format-Table Time, Event, Pid, ExitCode, Signal", 'Watches web for a minute.')])

H['Test-PerpService'] = dict(
    synopsis='Tests whether services are activated and, optionally, up long enough (perpok).',
    description='Test-PerpService writes $true or $false per service, as perpok decides: $true when perpd supervises the service; with -MinimumUptime N, only when main runs its start target (not resetting, not wanting down) for at least N seconds. A service that does not exist or is inactive is $false. -MinimumUptime is exact (1 means a full second). With -Detailed it writes one PerpServiceTestResult per service instead (Name, Base, Passed, Status, Uptime, Reason), so the answers for piped names say which is which. perpd not running is a terminating PerpDaemonNotRunning error.',
    params={'MinimumUptime': 'Seconds main must have been running (perpok -u), exactly. Default: 0, only activation is tested.',
            'Detailed': 'Writes a PerpServiceTestResult (Name, Base, Passed, Status, Uptime, Reason) per service instead of a bare boolean.'},
    examples=[("Test-PerpService web -MinimumUptime 10", 'True when web has been up for 10 seconds.'),
              ("if (-not (Test-PerpService db)) { Enable-PerpService db }", 'Activates db when it is not.'),
              ("Get-PerpService | Test-PerpService -MinimumUptime 60 -Detailed | Where-Object -Not Passed", 'Lists the services that have not been up for a minute, and why.')])

H['Get-PerpLog'] = dict(
    synopsis='Gets the log lines tinylog kept for a service.',
    description='Get-PerpLog writes the lines of a service\'s tinylog directory, oldest first: the archives (_YYYYMMDDTHHMMSS.uuuuuu.s/.u; compressed .Z archives are skipped), then current. The directory is -Path when given, else the one the tinylog command in rc.log names (taken relative to the service directory), else SERVICE/log. -Tail N writes only the last N lines, across archives. -Wait then follows the log like Get-Content -Wait, across rotations, until Ctrl-C (it follows the first service only).',
    params={'Tail': 'Writes only the last N lines (across rotated archives).',
            'Wait': 'Keeps following the log after writing it, until Ctrl-C.',
            'Path': 'The tinylog directory, when rc.log does not name it.'},
    examples=[("Get-PerpLog web -Tail 20", 'The last 20 lines web logged.'),
              ("Get-PerpLog web -Tail 0 -Wait", 'Follows web\'s log.')])

H['Start-PerpDaemon'] = dict(
    synopsis='Starts perpd on a base, detached.',
    description='Start-PerpDaemon runs perpd on the base in a new session with stdin from /dev/null and its output appended to -LogPath (default BASE/.control/perpd.log), waits until it answers on its control socket and writes a PerpDaemon object. The program is -DaemonPath, else the perpd bundled with the module (module/bin/perpd), else perpd on PATH; its directory is put first on perpd\'s PATH so runscripts find the bundled tools. perpd already running on the base is success.',
    params={'Base': 'The perp base directory. Default: $env:PERP_BASE when set and not empty, else /etc/perp. A relative path is taken against the current PowerShell location.',
            'DaemonPath': 'The perpd program to run.',
            'LogPath': 'The file perpd\'s output is appended to. Default: BASE/.control/perpd.log.',
            'ArgumentList': 'Extra perpd options, e.g. \'-a\',\'5\' (rescan every 5 seconds) or \'-g\',\'wheel\'.',
            'Timeout': 'Seconds to wait for perpd to answer on its socket. Default: 15.'},
    examples=[("Start-PerpDaemon -Base /srv/perp", 'Starts perpd on /srv/perp.'),
              ("Start-PerpDaemon -Base ./base -ArgumentList '-a','10'", 'Starts perpd with a 10-second autoscan.')])

H['Stop-PerpDaemon'] = dict(
    synopsis='Stops perpd on a base (perphup -t).',
    description='Stop-PerpDaemon finds perpd by the lock on BASE/.control/perpd.pid, sends it SIGTERM and waits until it exited: perpd first stops every service and runs their resets. -Force sends SIGKILL when the wait times out (the services are then left running). perpd not running is success.',
    params={'Base': 'The perp base directory. Default: $env:PERP_BASE when set and not empty, else /etc/perp. A relative path is taken against the current PowerShell location.',
            'Timeout': 'Seconds to wait for perpd to exit; 0 waits without limit. Default: 60.',
            'Force': 'Sends SIGKILL when perpd has not exited within -Timeout.',
            'PassThru': 'Writes the PerpDaemon object after it stopped.'},
    examples=[("Stop-PerpDaemon -Base /srv/perp", 'Stops perpd and every service it supervises.')])

H['Restart-PerpDaemon'] = dict(
    synopsis='Upgrades perpd in place: it re-executes its program keeping every service running.',
    description='Restart-PerpDaemon finds perpd by the lock on BASE/.control/perpd.pid and sends it SIGUSR2: perpd re-executes the program it was started from (so a newly installed perpd takes over) in the same process, with the same options. Its pid, every main\'s and logger\'s pid and the log pipes stay; no service is restarted and no log line is lost; down services stay down. The cmdlet waits until the new image answers on a freshly bound control socket. Clients connected at that moment (Watch-PerpService included) are disconnected. perpd refuses while a service is being deactivated (it logs why); the wait then ends with a PerpDaemonRestartTimeout error. perpd not running is a PerpDaemonNotRunning error.',
    params={'Base': 'The perp base directory. Default: $env:PERP_BASE when set and not empty, else /etc/perp. A relative path is taken against the current PowerShell location.',
            'Timeout': 'Seconds to wait for the re-executed perpd to answer; 0 waits without limit. Default: 30.',
            'PassThru': 'Writes the PerpDaemon object after the restart.'},
    examples=[("Restart-PerpDaemon -Base /srv/perp", 'After installing a new perpd: the running one becomes the new version, every service keeps running.')])

H['Get-PerpDaemon'] = dict(
    synopsis='Gets perpd\'s state on a base.',
    description='Get-PerpDaemon writes a PerpDaemon object: Running and Pid from the lock on BASE/.control/perpd.pid (the kernel\'s lock holder, not the file\'s text), StartTime and Uptime from perpd\'s status replies (else /proc), and ServiceCount, the services perpd answers for. A base without perpd gives Running = $false, not an error.',
    params={'Base': 'The perp base directory. Default: $env:PERP_BASE when set and not empty, else /etc/perp. A relative path is taken against the current PowerShell location.'},
    examples=[("(Get-PerpDaemon).Running", 'True when perpd runs on the default base.')])

H['Invoke-PerpRescan'] = dict(
    synopsis='Makes perpd rescan its base (perphup).',
    description='Invoke-PerpRescan sends SIGHUP to perpd, which rescans the base: sticky directories it does not know are activated, known ones no longer sticky are deactivated. perpd not running is a terminating PerpDaemonNotRunning error.',
    params={'Base': 'The perp base directory. Default: $env:PERP_BASE when set and not empty, else /etc/perp. A relative path is taken against the current PowerShell location.',
            'PassThru': 'Writes the PerpDaemon object.'},
    examples=[("Invoke-PerpRescan -Base /srv/perp", 'Rescans /srv/perp.')])

OUTPUT_TEXT = {
    'PerpService': 'PerpPS.Cmdlets.PerpService: a service with its status.',
    'PerpDaemon': 'PerpPS.Cmdlets.PerpDaemon: perpd on a base.',
    'Boolean': 'System.Boolean: the result of the test.',
    'String': 'System.String: a log line.',
    'Void': 'None.',
}

# The service policy beyond perp (docs/service-policy.md, issue #10), added to the cmdlets
# it concerns: the parameters shared by New- and Set-PerpService, and what the others gained.
POLICY_PARAMS = {
    'DependsOn': 'Services this one needs up and ready before perpd starts it: written one name a line to the file dependencies. Start-PerpService starts them first; Stop-PerpService of one of them refuses while this one runs (PerpServiceHasDependents). Set-PerpService -DependsOn @() removes the file.',
    'ReadyFd': 'The descriptor, 3 to 1023, on which the start target reports readiness by writing a newline (file notification-fd, as s6). Until then the service is Starting, not Up, and Start-PerpService waits. $null (Set-PerpService) removes the file.',
    'HealthCheck': 'The health check perpd runs in the service directory every -CheckInterval seconds once the service is ready (file check, as runit): /bin/sh script text (a #!/bin/sh line is added when it has none) or the path of an existing file, which is copied. Exit 0 is Healthy; check-retries (3) failures in a row restart the service. Without -ReadyFd the first passing check makes the service ready. $null or an empty string removes it.',
    'CheckInterval': 'Seconds between health checks, 1 to 86400 (file check-interval; default 10). $null removes the file.',
    'StopTimeout': 'Seconds, 0.001 to 86400, from the stop signal to SIGKILL of the whole process group (file timeout-kill, written in milliseconds, as s6). Any stop then stops the group and nothing of it survives. $null removes the file.',
    'StopSignal': 'The signal a stop sends to the process group (file down-signal, as s6): a name such as TERM, INT, QUIT, HUP (with or without SIG) or a number; KILL and STOP are refused. $null or an empty string removes the file.',
    'RestartBackoff': 'Cap in seconds, 1 to 86400, of the restart delay of a crash loop (file restart-backoff): 1, 2, 4, ... up to the cap; a run longer than the cap resets it. $null removes the file.',
    'GiveUp': '"N T" or N, T: N failed starts within T seconds put the service in Failed, with no more restarts until Start-PerpService (file give-up). $null removes the file.',
}
POLICY_NOTE = ' The policy parameters (-DependsOn, -ReadyFd, -HealthCheck, -CheckInterval, -StopTimeout, -StopSignal, -RestartBackoff, -GiveUp) write the plain files perpd reads at each start of the service (docs/service-policy.md). Each value is checked by perpd\'s own rule first: a value perpd could not use is a PerpServiceInvalidPolicy error (category InvalidArgument) and nothing is written.'
for _name in ('New-PerpService', 'Set-PerpService'):
    H[_name]['params'].update(POLICY_PARAMS)
    H[_name]['description'] += POLICY_NOTE
H['New-PerpService']['examples'].append(
    ("New-PerpService app -Command '/srv/app/run' -DependsOn store -ReadyFd 3 -HealthCheck 'curl -fs localhost:8080/health' -StopTimeout 5 -RestartBackoff 30 -GiveUp 5, 60 -Enable",
     'A service that starts once store is ready, reports its own readiness on fd 3, is health-checked, gets 5 seconds to stop, backs off a crash loop up to 30 s and gives up after 5 failed starts within a minute.'))
H['Set-PerpService']['synopsis'] = 'Changes a service\'s once flag, its startup type or its policy files.'
H['Set-PerpService']['examples'].append(
    ("Set-PerpService web -StopTimeout 60 -StopSignal QUIT -ReadyFd $null", 'web gets a minute to stop after SIGQUIT from its next start on, and no longer reports readiness.'))
H['Get-PerpService']['description'] += ' The service policy (docs/service-policy.md) adds Ready (main runs and is ready: it reported on its notification-fd, passed its first check, or has run half a second), Health (Healthy, Unhealthy, Unknown) and HealthFailures ($null against a perpd without the policy), RequiredServices (its dependencies file) and DependentServices (the services that name it), the names Get-Service uses, and two statuses: Failed (perpd gave up after give-up\'s failed starts; Start-PerpService clears it) and WaitingForDependency, with WaitingFor (the dependency) and WaitReason (e.g. "store (not an active service)", "dependency cycle: a -> b -> a"). A running service that is not ready yet is Starting.'
H['Get-PerpService']['params'].update({
    'RequiredServices': 'Writes, instead of each matched service, the services it depends on (its RequiredServices), as Get-Service -RequiredServices.',
    'DependentServices': 'Writes, instead of each matched service, the services that depend on it (its DependentServices), as Get-Service -DependentServices.'})
H['Get-PerpService']['examples'].append(
    ("Get-PerpService app -RequiredServices; Get-PerpService | Where-Object Status -eq WaitingForDependency | Select-Object Name, WaitReason", 'What app depends on; which services wait, and for what.'))
H['Start-PerpService']['description'] += ' A service with readiness (notification-fd or check) is Up only once ready, so the cmdlet returns after the service said so. The services it depends on (file dependencies, directly or not) are started first, as Start-Service does; perpd holds the start until they are up and ready. A service in a dependency cycle is not started (PerpServiceDependencyCycle), nor one whose dependency does not exist or is not active (PerpServiceDependencyFailed). Starting a Failed service (perpd gave up on it) starts it again.'
H['Start-PerpService']['examples'].append(("Start-PerpService app -Verbose", 'Starts store (app depends on it) and then app; returns once app is ready.'))
H['Stop-PerpService']['description'] += ' A service that running services depend on (their dependencies file names it) is not stopped: a PerpServiceHasDependents error, as Stop-Service does. With -Force the dependants are stopped first (dependants before what they depend on, each waited for until Down), and a service still running -Timeout seconds after its stop signal gets SIGKILL, through perpd and to its whole process group, so nothing of it survives; a warning says so.'
H['Stop-PerpService']['params'].update({'Force': 'Stops the services that depend on this one first, and escalates a stop that outlives -Timeout to SIGKILL of the process group (perpctl k and kill(-pgid)).'})
H['Stop-PerpService']['examples'].append(("Stop-PerpService store -Force -Timeout 5", 'Stops app (it depends on store), then store; whatever still runs 5 seconds after its SIGTERM is killed.'))
H['Wait-PerpService']['params'].update({'Ready': 'Also waits until main is ready (Ready is $true): it reported on its notification-fd, passed its first check, or has run half a second. Against a perpd without readiness, Up counts as ready.'})
H['Wait-PerpService']['examples'].append(("Restart-PerpService store -NoWait; Wait-PerpService store -Ready -Timeout 60", 'Waits until the new store reports readiness.'))


def e(s):
    return escape(str(s))

def para(text):
    return '<maml:para>%s</maml:para>' % e(text)

def command(meta):
    name = meta['name']
    h = H[name]
    verb, noun = name.split('-', 1)
    params = {}
    for s in meta['sets']:
        for p in s['params']:
            params.setdefault(p['name'], dict(p, byValue=False, byName=False, mandatory=False, position=-2147483648))
            q = params[p['name']]
            q['byValue'] |= p['byValue']; q['byName'] |= p['byName']; q['mandatory'] |= p['mandatory']
            if p['position'] >= 0: q['position'] = p['position']
    def ptext(n):
        t = h['params'].get(n) or COMMON.get(n)
        if not t:
            raise SystemExit('no help text for %s -%s' % (name, n))
        return t
    def pipeline(p):
        if p['byValue'] and p['byName']: return 'True (ByValue, ByPropertyName)'
        if p['byValue']: return 'True (ByValue)'
        if p['byName']: return 'True (ByPropertyName)'
        return 'False'
    def pos(p):
        return str(p['position']) if p['position'] >= 0 else 'named'
    def param_xml(p, in_syntax, required=None):
        t = p['type'].replace('System.Nullable`1[[', '').split(',')[0] if 'Nullable' in p['type'] else p['type']
        req = p['mandatory'] if required is None else required
        x = ['<command:parameter required="%s" variableLength="%s" globbing="%s" pipelineInput="%s" position="%s" aliases="%s">' % (
            str(req).lower(), str(t.endswith('[]')).lower(), str(p['name'] == 'Name' and name not in ('New-PerpService',)).lower(), e(pipeline(p)), pos(p), e(','.join(p['aliases']) or 'none'))]
        x.append('<maml:name>%s</maml:name>' % e(p['name']))
        x.append('<maml:description>%s</maml:description>' % para(ptext(p['name'])))
        x.append('<command:parameterValue required="%s" variableLength="false">%s</command:parameterValue>' % (str(t != 'System.Management.Automation.SwitchParameter').lower(), e(t.split('.')[-1])))
        x.append('<dev:type><maml:name>%s</maml:name></dev:type>' % e(t))
        x.append('</command:parameter>')
        return '\n'.join(x)
    out = ['<command:command xmlns:maml="http://schemas.microsoft.com/maml/2004/10" xmlns:command="http://schemas.microsoft.com/maml/dev/command/2004/10" xmlns:dev="http://schemas.microsoft.com/maml/dev/2004/10">']
    out.append('<command:details><command:name>%s</command:name><command:verb>%s</command:verb><command:noun>%s</command:noun><maml:description>%s</maml:description></command:details>' % (e(name), e(verb), e(noun), para(h['synopsis'])))
    out.append('<maml:description>%s</maml:description>' % para(h['description']))
    out.append('<command:syntax>')
    for s in meta['sets']:
        out.append('<command:syntaxItem><maml:name>%s</maml:name>' % e(name))
        for p in s['params']:
            out.append(param_xml(p, True))
        out.append('</command:syntaxItem>')
    out.append('</command:syntax>')
    out.append('<command:parameters>')
    for n in sorted(params):
        out.append(param_xml(params[n], False))
    out.append('</command:parameters>')
    out.append('<command:inputTypes><command:inputType><dev:type><maml:name>System.String[], PerpPS.Cmdlets.PerpService</maml:name></dev:type><maml:description>%s</maml:description></command:inputType></command:inputTypes>' % para('Service names, or objects with Name (and Base) properties, from the pipeline.'))
    out.append('<command:returnValues>')
    for o in meta['outputs'] or ['Void']:
        out.append('<command:returnValue><dev:type><maml:name>%s</maml:name></dev:type><maml:description>%s</maml:description></command:returnValue>' % (e(o), para(OUTPUT_TEXT.get(o, o))))
    out.append('</command:returnValues>')
    out.append('<maml:alertSet><maml:alert>%s</maml:alert></maml:alertSet>' % para('Errors carry stable ErrorIds: PerpDaemonNotRunning (terminating), PerpServiceNotFound, PerpServiceNotActive, PerpServiceBusy, PerpServiceNotRunning, PerpServiceWaitTimeout, PerpCommandFailed. See about_Perp.'))
    out.append('<command:examples>')
    for i, (code, remark) in enumerate(h['examples'], 1):
        out.append('<command:example><maml:title>-------------------------- Example %d --------------------------</maml:title><dev:code>%s</dev:code><dev:remarks>%s</dev:remarks></command:example>' % (i, e(code), para(remark)))
    out.append('</command:examples>')
    out.append('<command:relatedLinks><maml:navigationLink><maml:linkText>about_Perp</maml:linkText></maml:navigationLink></command:relatedLinks>')
    out.append('</command:command>')
    return '\n'.join(out)

def main():
    meta = json.load(open(os.path.join(HERE, 'commands.json')))
    names = {m['name'] for m in meta}
    missing = names ^ set(H)
    if missing:
        raise SystemExit('help and commands differ: %s' % sorted(missing))
    doc = ['<?xml version="1.0" encoding="utf-8"?>',
           '<!-- Generated by src/PerpPS.Cmdlets/Help/make-help.py: edit the texts there. -->',
           '<helpItems schema="maml" xmlns="http://msh">']
    for m in meta:
        doc.append(command(m))
    doc.append('</helpItems>')
    path = os.path.join(ROOT, 'module', 'en-US', 'PerpPS.Cmdlets.dll-Help.xml')
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, 'w', encoding='utf-8') as f:
        f.write('\n'.join(doc) + '\n')
    print('make-help: wrote', path)

main()
