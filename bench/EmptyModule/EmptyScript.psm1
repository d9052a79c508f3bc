# The script-module floor (bench/import.sh): one trivial function.
function Get-EmptyScript { 0 }
