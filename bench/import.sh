#!/usr/bin/env bash
# bench/import.sh [--rounds R] [--services N] [--bin DIR] [--base BASE] [--module DIR] [--md]
#                 [--pwsh-r2r DIR|none]
# Import-Module Perp and the first Get-PerpService after it, against pwsh's own floor: an empty
# binary module (bench/EmptyModule: one trivial cmdlet, Perp.psd1's shape, built ReadyToRun with
# the same PwshReadyToRun.targets) and an empty script module, in the same run. R interleaved
# rounds (default 12); each round starts one fresh `pwsh -NoProfile -NonInteractive` per variant
# running bench/import.ps1, so every variant sees the same machine. Prints per variant the
# median (min–max) of Import-Module's wall and CPU time (the process's, all threads), its ratio
# to the empty binary module's, the assemblies it added, and the first Get-PerpService of the N
# services (wall, CPU). Variants:
#   script / binary     the empty script and binary modules
#   perp                the module as built (module/, or --module DIR)
#   perp JIT-only       the same sources published without ReadyToRun
#   perp no XML         the module as built without FormatsToProcess/TypesToProcess
#   …, ReadyToRun pwsh   the empty binary module, Perp and Perp without XML in a ReadyToRun
#                       copy of the same pwsh (bench/lib/pwsh-r2r.sh), as Microsoft's packages
#                       ship pwsh; the global tool here is IL-only. Built in a temporary
#                       directory, or kept in --pwsh-r2r DIR; --pwsh-r2r none leaves them out
#   … after a first import   the empty script module is imported first: Import-Module's
#                       one-time cost in a process is paid, as in an interactive session that
#                       loaded PSReadLine; what is left is the module's own cost
# Starts its own perpd (from --bin, default out/bin) on N services (default 200), or uses a
# running one with --base. --md prints a markdown table (bench/issue13.sh embeds it). No root.
set -uo pipefail
export LC_ALL=C DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
. "$here/lib/supervisors.sh"
rounds=12 services=200 bin=$root/out/bin base="" module=$root/module md=0 r2r=""
while [ $# -gt 0 ]; do
  case $1 in
    --rounds) rounds=$2; shift ;;
    --services) services=$2; shift ;;
    --bin) bin=$2; shift ;;
    --base) base=$2; shift ;;
    --module) module=$2; shift ;;
    --md) md=1 ;;
    --pwsh-r2r) r2r=$2; shift ;;
    -h|--help) sed -n '2,25p' "$0"; exit 0 ;;
    *) echo "import.sh: unknown option $1" >&2; exit 100 ;;
  esac
  shift
done
PWSH=${PWSH:-$(command -v pwsh || echo /work/wt/.tools/pwsh/pwsh)}
export PERPPS_ARTIFACTS=${PERPPS_ARTIFACTS:-/tmp/perpps-art-bench}
module=$(cd "$module" && pwd)
work=$(mktemp -d /tmp/perpps-import.XXXXXX)
SUP_PID=""
# perpd runs in a session of its own (sup_start): SIGTERM, which stops its services, then
# SIGKILL by pid to whatever of that session is left.
stop_perpd() {
  local left p deadline=$((SECONDS + 20))
  left=$(ps -o pid= -s "$SUP_PID" 2>/dev/null)
  kill -TERM "$SUP_PID" 2>/dev/null
  while kill -0 "$SUP_PID" 2>/dev/null && [ $SECONDS -lt $deadline ]; do sleep 0.1; done
  for p in $left $(ps -o pid= -s "$SUP_PID" 2>/dev/null); do kill -KILL "$p" 2>/dev/null; done
  wait "$SUP_PID" 2>/dev/null
  SUP_PID=""
}
cleanup() {
  trap '' INT TERM
  if [ -n "$SUP_PID" ]; then stop_perpd; fi
  chmod -R u+w "$work" 2>/dev/null; rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
say() { echo "import.sh: $*" >&2; }

say "building the empty module and the JIT-only copy"
e=$work/empty; mkdir -p "$e/bin"
cp "$here"/EmptyModule/*.psd1 "$here"/EmptyModule/*.psm1 "$e"/
dotnet publish "$here/EmptyModule" -c Release -r linux-x64 --self-contained false -p:PublishReadyToRun=true \
  -o "$e/bin" -p:DebugType=none --nologo -v:q >"$work/empty.log" 2>&1 || { cat "$work/empty.log" >&2; exit 1; }
jit=$work/jit; mkdir -p "$jit"
cp "$module"/*.psd1 "$module"/*.ps1xml "$jit"/; cp -r "$module/en-US" "$jit"/ 2>/dev/null
dotnet publish "$root/src/PerpPS.Cmdlets" -c Release -o "$jit/bin" -p:DebugType=none --nologo -v:q >"$work/jit.log" 2>&1 \
  || { cat "$work/jit.log" >&2; exit 1; }
noxml=$work/noxml; mkdir -p "$noxml"; cp -r "$module/bin" "$noxml/"
grep -v -e '^ *FormatsToProcess' -e '^ *TypesToProcess' "$module/Perp.psd1" >"$noxml/Perp.psd1"

if [ -z "$base" ]; then
  say "perpd on $services services"
  export PERPPS_BIN=$(cd "$bin" && pwd) STARTS=$work/starts; : >"$STARTS"
  sup_make perp "$work/sup" "$services"
  sup_start perp "$work/sup"
  base=$(sup_layout perp "$work/sup")
  for ((i = 0; i < 300; i++)); do [ "$(wc -l <"$STARTS")" -ge "$services" ] && break; sleep 0.1; done
fi

first="-First $e/EmptyScript.psd1"
names=(script binary perp "perp JIT-only" "perp no XML" "binary, after a first import" "perp, after a first import")
args=("-Module $e/EmptyScript.psd1" "-Module $e/EmptyModule.psd1" "-Module $module/Perp.psd1 -Base $base"
  "-Module $jit/Perp.psd1 -Base $base" "-Module $noxml/Perp.psd1 -Base $base"
  "$first -Module $e/EmptyModule.psd1" "$first -Module $module/Perp.psd1 -Base $base")
runs=("$PWSH" "$PWSH" "$PWSH" "$PWSH" "$PWSH" "$PWSH" "$PWSH")
# The same modules in a ReadyToRun copy of this pwsh, as Microsoft's packages ship it
# (bench/lib/pwsh-r2r.sh; the global tool this machine has is IL-only). --pwsh-r2r DIR keeps it.
if [ "$r2r" != none ]; then
  if r2r_run=$("$here/lib/pwsh-r2r.sh" "$PWSH" "${r2r:-$work/pwsh-r2r}"); then
    names+=("binary, ReadyToRun pwsh" "perp, ReadyToRun pwsh" "perp no XML, ReadyToRun pwsh")
    args+=("-Module $e/EmptyModule.psd1" "-Module $module/Perp.psd1 -Base $base" "-Module $noxml/Perp.psd1 -Base $base")
    runs+=("$r2r_run" "$r2r_run" "$r2r_run")
  else
    say "no ReadyToRun pwsh (see above): its rows are left out"
  fi
fi
load_start=$(cut -d' ' -f1-3 /proc/loadavg)
for ((r = 1; r <= rounds; r++)); do
  say "round $r of $rounds"
  for i in "${!names[@]}"; do
    # shellcheck disable=SC2086 # the arguments are words
    ${runs[$i]} -NoProfile -NonInteractive -File "$here/import.ps1" ${args[$i]} >>"$work/v$i" 2>>"$work/errors" \
      || say "${names[$i]}: pwsh failed (see its errors above)"
  done
done
load_end=$(cut -d' ' -f1-3 /proc/loadavg)
[ -s "$work/errors" ] && cat "$work/errors" >&2

kv() { tr ' ' '\n' | awk -F= -v k="$1" '$1 == k { print $2 }'; }
spread() { sort -g | awk '{ a[NR] = $1 } END { if (NR) printf "%s (%s–%s)", a[int((NR + 1) / 2)], a[1], a[NR]; else print "—" }'; }
med() { sort -g | awk '{ a[NR] = $1 } END { if (NR) print a[int((NR + 1) / 2)]; else print "" }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a != "" && b + 0 > 0) printf "%.2f", a / b; else print "—" }'; }
# The denominator: the empty binary module, first import or after a first import alike.
den() { case $1 in 5|6) echo 5 ;; 7|8|9) echo 7 ;; *) echo 1 ;; esac; }
if [ $md -eq 1 ]; then
  echo "| module | Import-Module, ms | its CPU, ms | ÷ empty binary (wall / CPU) | assemblies added | first Get-PerpService, ms | its CPU, ms |"
  echo "|---|---:|---:|---:|---:|---:|---:|"
else
  printf '%-30s %-20s %-20s %-14s %-4s %-20s %s\n' module import_ms import_cpu_ms ratio asm first_get_ms first_get_cpu_ms
fi
for i in "${!names[@]}"; do
  d=$(den "$i")
  rw=$(ratio "$(kv import_ms <"$work/v$i" | med)" "$(kv import_ms <"$work/v$d" | med)")
  rc=$(ratio "$(kv import_cpu_ms <"$work/v$i" | med)" "$(kv import_cpu_ms <"$work/v$d" | med)")
  im=$(kv import_ms <"$work/v$i" | spread); ic=$(kv import_cpu_ms <"$work/v$i" | spread)
  as=$(kv assemblies <"$work/v$i" | med)
  gm=$(kv first_get_ms <"$work/v$i" | spread); gc=$(kv first_get_cpu_ms <"$work/v$i" | spread)
  [ "$gm" = "—" ] && gm="" && gc=""
  if [ $md -eq 1 ]; then
    echo "| ${names[$i]} | $im | $ic | $rw / $rc | $as | ${gm:-—} | ${gc:-—} |"
  else
    printf '%-30s %-20s %-20s %-14s %-4s %-20s %s\n' "${names[$i]}" "$im" "$ic" "$rw/$rc" "$as" "${gm:--}" "${gc:--}"
  fi
done
echo ""
echo "$rounds rounds, $("$PWSH" -NoProfile -NonInteractive -c '$PSVersionTable.PSVersion.ToString() + " on " + [Runtime.InteropServices.RuntimeInformation]::FrameworkDescription'), load average $load_start at start, $load_end at end"
