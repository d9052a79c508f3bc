#!/usr/bin/env bash
# Builds PerpPS:
#   out/bin/     perpd, perpps-tools and perpps-runtools (Native AOT), plus one link per tool
#                (perpctl, perpls, …, tinylog, runuid, …) and the shell scripts
#   module/bin/  the Perp module's assemblies, so Import-Module ./module/Perp.psd1 works
#   out/Perp.VERSION.nupkg  the module as a package (Install-PSResource)
# Usage: ./build.sh            (Release, Native AOT)
set -euo pipefail
cd "$(dirname "$0")"
root=$PWD
out=${PERPPS_OUT:-$root/out}
bin=$out/bin
mkdir -p "$bin"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

publish() {
  echo "build.sh: publishing $1 (Native AOT)"
  dotnet publish "src/$1" -c Release -r linux-x64 -o "$bin" -p:DebugType=none -p:DebugSymbols=false --nologo -v:q
}
publish PerpPS.Daemon
publish PerpPS.Tools
publish PerpPS.Runtools
# Native AOT leaves the stripped symbols beside each binary; out/bin ships programs only.
rm -f "$bin"/*.dbg

# One link per program name; each multi-call binary lists the names it answers to.
for multi in perpps-tools perpps-runtools; do
  for name in $("$bin/$multi" --list); do
    ln -sfn "$multi" "$bin/$name"
  done
done
# Shell-script tools ship as they are.
if [ -d scripts ]; then
  for s in scripts/*; do [ -f "$s" ] && install -m 0755 "$s" "$bin/$(basename "$s")"; done
fi

echo "build.sh: building the Perp module into module/bin"
# ReadyToRun (issue #13): the module's DLLs carry precompiled code for linux-x64, so
# Import-Module and the first cmdlet call JIT-compile only what R2R cannot cover
# (bench/issue13.sh measures it against a JIT-only copy). The code is .NET 10's, the runtime of
# pwsh 7.6 (PerpReadyToRunFor in src/PerpPS.Cmdlets/PerpPS.Cmdlets.csproj: a .NET 10 runtime
# rejects .NET 8's R2R code outright). The IL stays net8.0, so pwsh 7.4/7.5 still run it, JIT-only.
dotnet publish src/PerpPS.Cmdlets -c Release -r linux-x64 --self-contained false -p:PublishReadyToRun=true \
  -o module/bin -p:DebugType=none --nologo -v:q
# The module runs the bundled perpd (Start-PerpDaemon) and names the bundled tinylog in the
# rc.log New-PerpService writes when no tinylog is on PATH.
cp -f "$bin/perpd" module/bin/ 2>/dev/null || true
cp -f "$bin/perpps-runtools" module/bin/ 2>/dev/null && ln -sfn perpps-runtools module/bin/tinylog
# A module path entry whose folder is named after the module, so that after
#   $env:PSModulePath = "$PWD/out/Modules" + [IO.Path]::PathSeparator + $env:PSModulePath
# Import-Module Perp works by name from a built checkout.
mkdir -p "$out/Modules" && ln -sfn "$root/module" "$out/Modules/Perp"
# The module as a PowerShell package: out/Perp.VERSION.nupkg, for Install-PSResource from a
# repository (dev/package/Perp.nuspec). Its tags list the cmdlets of the manifest.
echo "build.sh: packing the Perp module into $out"
cmdlet_tags=$(sed -n '/CmdletsToExport/,/)/p' module/Perp.psd1 | grep -oE "'[A-Za-z]+-[A-Za-z]+'" | tr -d "'" | sed 's/^/PSCmdlet_/' | tr '\n' ' ')
dotnet pack dev/package/Perp.Package.csproj -c Release -o "$out" --nologo -v:q "-p:PerpCmdletTags=${cmdlet_tags}PSIncludes_Cmdlet"
echo "build.sh: done: programs in $bin, module in $root/module"
