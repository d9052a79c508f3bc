# The Perp module: typed cmdlets over perpd's control socket (PerpPS, perp 2.07 rebuilt in C#).
# ModuleVersion is the build's version: keep it equal to <Version> in Directory.Build.props
# (a test fails when they differ).
@{
    RootModule           = 'bin/PerpPS.Cmdlets.dll'
    ModuleVersion        = '0.1.0'
    GUID                 = '8f0c4f55-2b7e-4a39-9d51-6f1b8e7c2a41'
    Author               = 'PerpPS contributors'
    CompanyName          = 'PerpPS'
    Copyright            = 'perp 2.07 by Wayne Marshall; PerpPS rebuild by its contributors.'
    Description          = 'Manage services supervised by perpd (perp 2.07 on Linux): Get/Start/Stop/Restart/Wait/Test-PerpService, logs, and perpd itself.'
    PowerShellVersion    = '7.4'
    CompatiblePSEditions = @('Core')
    FormatsToProcess     = @('Perp.format.ps1xml')
    TypesToProcess       = @('Perp.types.ps1xml')
    CmdletsToExport      = @(
        'Get-PerpService'
        'Start-PerpService'
        'Stop-PerpService'
        'Restart-PerpService'
        'Suspend-PerpService'
        'Resume-PerpService'
        'Set-PerpService'
        'Send-PerpSignal'
        'Enable-PerpService'
        'Disable-PerpService'
        'New-PerpService'
        'Import-PerpService'
        'Remove-PerpService'
        'Wait-PerpService'
        'Watch-PerpService'
        'Test-PerpService'
        'Get-PerpLog'
        'Start-PerpDaemon'
        'Stop-PerpDaemon'
        'Restart-PerpDaemon'
        'Get-PerpDaemon'
        'Invoke-PerpRescan'
    )
    FunctionsToExport    = @()
    AliasesToExport      = @()
    VariablesToExport    = @()
    PrivateData          = @{
        PSData = @{
            Tags       = @('perp', 'supervisor', 'services', 'Linux', 'daemontools')
        }
    }
}
