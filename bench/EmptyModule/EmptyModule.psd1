# The Import-Module floor (bench/import.sh): Perp.psd1's shape, one cmdlet, no format/types data.
@{
    RootModule           = 'bin/EmptyModule.dll'
    ModuleVersion        = '0.1.0'
    GUID                 = '5b0e7c1d-7d2a-4c57-9f35-3c1f0f1f6a11'
    Author               = 'PerpPS contributors'
    Description          = 'An empty binary module: the floor Import-Module Perp is compared with.'
    PowerShellVersion    = '7.4'
    CompatiblePSEditions = @('Core')
    CmdletsToExport      = @('Get-Empty')
    FunctionsToExport    = @()
    AliasesToExport      = @()
    VariablesToExport    = @()
}
