#!/usr/bin/env bash
# bench/lib/pwsh-r2r.sh PWSH OUT: a ReadyToRun copy of PWSH's installation in OUT, and prints
# the command that runs it ("dotnet OUT/pwsh.dll"). Why: the pwsh that `dotnet tool install`
# gives (what this machine and CI have) ships IL only: the .NET SDK has no ReadyToRun for
# global tools (dotnet/sdk#10801), so every method pwsh runs is JIT-compiled first. Microsoft's
# own packages (deb, rpm, tar.gz: what most Linux users run) are ReadyToRun-compiled
# (PowerShell/PowerShell#12361). To measure the module where users run it, this compiles every
# IL-only assembly of $PSHOME with crossgen2 for the runtime pwsh runs on (the crossgen2 pack
# NuGet restored for the module's own ReadyToRun build: build.sh or bench/import.sh's publish
# of bench/EmptyModule restore it). An assembly crossgen2 refuses stays IL, as it is (listed on
# stderr). OUT is reused when it holds a pwsh.dll from an earlier run. Needs no root.
set -euo pipefail
[ $# -eq 2 ] || { echo "usage: pwsh-r2r.sh PWSH OUT" >&2; exit 100; }
pwsh=$1 out=$2
say() { echo "pwsh-r2r: $*" >&2; }
if [ -f "$out/pwsh.dll" ] && [ -f "$out/.r2r-done" ]; then echo "dotnet $out/pwsh.dll"; exit 0; fi
read -r home runtime < <("$pwsh" -NoProfile -NonInteractive -c '$PSHOME + " " + [Environment]::Version.ToString()')
rtdir=$(dirname "$(dotnet --list-runtimes | awk -v v="$runtime" '$1 == "Microsoft.NETCore.App" && $2 == v { gsub(/[\[\]]/, "", $3); print $3 "/" $2 }')/x")
[ -f "$rtdir/System.Private.CoreLib.dll" ] || { say "no Microsoft.NETCore.App $runtime under dotnet"; exit 1; }
packs=${NUGET_PACKAGES:-$HOME/.nuget/packages}/microsoft.netcore.app.crossgen2.linux-x64
cg=$packs/$runtime/tools/crossgen2
if [ ! -x "$cg" ]; then
  # Same major version: the R2R format a runtime reads is fixed per major version.
  v=$(ls "$packs" 2>/dev/null | awk -F. -v m="${runtime%%.*}" '$1 == m' | sort -V | tail -1)
  cg=$packs/$v/tools/crossgen2
fi
[ -x "$cg" ] || { say "no crossgen2 ${runtime%%.*}.x in $packs (publish the module with ReadyToRun first: ./build.sh)"; exit 1; }
say "compiling $home with $cg (runtime $runtime)"
rm -rf "$out"; mkdir -p "$out"; cp -a "$home/." "$out/"
# IL-only = a CLI header without a managed native (ReadyToRun) header; pwsh tells.
mapfile -t il < <("$pwsh" -NoProfile -NonInteractive -c '
  foreach ($f in Get-ChildItem -LiteralPath $PSHOME -Filter *.dll) {
    try { $r = [Reflection.PortableExecutable.PEReader]::new([IO.File]::OpenRead($f.FullName)) } catch { continue }
    try { $c = $r.PEHeaders.CorHeader; if ($c -and $c.ManagedNativeHeaderDirectory.Size -eq 0) { $f.Name } } catch { } finally { $r.Dispose() }
  }')
failed=0
for f in "${il[@]}"; do
  if ! "$cg" -r "$rtdir/*.dll" -r "$home/*.dll" --targetos:linux --targetarch:x64 -O "$home/$f" -o "$out/$f" >"$out/.cg.log" 2>&1; then
    cp -a "$home/$f" "$out/$f"; failed=$((failed + 1)); say "left IL: $f ($(tail -1 "$out/.cg.log"))"
  fi
done
rm -f "$out/.cg.log"; touch "$out/.r2r-done"
say "${#il[@]} IL-only assemblies, $((${#il[@]} - failed)) compiled"
echo "dotnet $out/pwsh.dll"
