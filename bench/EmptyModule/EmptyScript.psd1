# The script-module floor (bench/import.sh): Perp.psd1's shape around a one-function .psm1.
@{
    RootModule           = 'EmptyScript.psm1'
    ModuleVersion        = '0.1.0'
    GUID                 = '0d6f5a3e-2b4c-4e1f-8a9d-7c6b5a4e3d21'
    Author               = 'PerpPS contributors'
    Description          = 'An empty script module: the floor Import-Module Perp is compared with.'
    PowerShellVersion    = '7.4'
    CompatiblePSEditions = @('Core')
    FunctionsToExport    = @('Get-EmptyScript')
    CmdletsToExport      = @()
    AliasesToExport      = @()
    VariablesToExport    = @()
}
