#!/usr/bin/env bash
# bench/startup.sh [--bin DIR] [--rounds R] [--reps N] [--variants "0-as-built 2-direct-libc"]
# One-shot tools' start-up (issue #13): perpctl, perpstat, perpok, perphup against an empty
# Native AOT program (bench/EmptyAot) published with the same settings, for each build
# variant in bench/startup/*.targets (each imported after the project through
# CustomAfterMicrosoftCommonTargets, so it can add or remove settings). Per variant and
# program: median and p90 wall time of spawn→reap (bench/lib/spawntime.c, no shell in the
# figure) over R interleaved rounds of N runs, the spread of the round medians, the
# binary's size, strace -c's system-call count (and failed calls), and perf stat's page
# faults and task-clock (CPU ms, mean of 20 runs; "-" without perf). Then the GC start-up
# knobs as environment variables on the pair built without the baked-in ones (variant
# 0-no-gc-knobs, else the first), and perpd's reply latency to `u` of a down service
# (bench/lib/replytime.c: no client start-up in it). Needs no root.
# --work DIR keeps the published variants there and reuses them on the next run.
# Output: tab-separated lines on stdout; progress on stderr.
set -euo pipefail
export LC_ALL=C DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
bin=$root/out/bin rounds=7 reps=40 variants="" keep=""
while [ $# -gt 0 ]; do
  case $1 in
    --bin) bin=$2; shift ;;
    --rounds) rounds=$2; shift ;;
    --reps) reps=$2; shift ;;
    --variants) variants=$2; shift ;;
    --work) keep=$2; shift ;;
    -h|--help) sed -n '2,14p' "$0"; exit 0 ;;
    *) echo "startup: unknown option $1" >&2; exit 100 ;;
  esac
  shift
done
[ -n "$variants" ] || variants=$(cd "$here/startup" && ls ./*.targets | sed 's|^\./||; s|\.targets$||' | tr '\n' ' ')
bin=$(cd "$bin" && pwd)
if [ -n "$keep" ]; then work=$keep; mkdir -p "$work"; else work=$(mktemp -d /tmp/perpps-startup.XXXXXX); fi
pid=""
cleanup() { [ -z "$pid" ] || kill -TERM "$pid" 2>/dev/null; [ -z "$pid" ] || wait "$pid" 2>/dev/null; [ -n "$keep" ] || rm -rf "$work"; rm -rf "${base:-}"; }
trap cleanup EXIT
say() { echo "startup: $*" >&2; }

cc -O2 -Wall -Wextra -o "$work/spawntime" "$here/lib/spawntime.c"
cc -O2 -Wall -Wextra -o "$work/replytime" "$here/lib/replytime.c"
cc -O2 -Wall -Wextra -o "$work/exchange" "$here/lib/exchange.c"
ST=$work/spawntime

built=""
for v in $variants; do
  if [ -n "$keep" ] && [ -x "$work/$v/perpps-tools" ] && [ -x "$work/$v/emptyaot" ]; then built="$built $v"; continue; fi
  say "publishing variant $v"
  for p in "bench/EmptyAot" "src/PerpPS.Tools"; do
    PERPPS_ARTIFACTS=$work/art-$v dotnet publish "$root/$p" -c Release -r linux-x64 -o "$work/$v" \
      -p:DebugType=none -p:DebugSymbols=false "-p:CustomAfterMicrosoftCommonTargets=$here/startup/$v.targets" \
      --nologo -v:q >"$work/$v.log" 2>&1 || { cat "$work/$v.log" >&2; say "variant $v did not build: skipped"; continue 2; }
  done
  rm -f "$work/$v"/*.dbg
  for t in perpctl perpstat perpok perphup; do ln -sfn perpps-tools "$work/$v/$t"; done
  built="$built $v"
done

# One perpd (as built in --bin) with one running service, for every variant's tools, and
# one down service for the reply latency of `u`.
base=$work/base
for s in svc1 down1; do
  mkdir -p "$base/$s"
  printf '#!/bin/sh\n[ "$1" = start ] || exit 0\nexec sleep 100000000\n' >"$base/$s/rc.main"
  chmod 0755 "$base/$s/rc.main"; chmod +t "$base/$s"
done
touch "$base/down1/flag.down"
setsid "$bin/perpd" "$base" >"$work/perpd.log" 2>&1 </dev/null &
pid=$!
for _ in $(seq 100); do "$bin/perpok" -b "$base" svc1 2>/dev/null && break; sleep 0.1; done

# argv of each program for variant dir D
prog() {
  case $1 in
    empty) echo "$2/emptyaot" ;;
    perpctl) echo "$2/perpctl -b $base c svc1" ;;
    perpstat) echo "$2/perpstat -b $base svc1" ;;
    perpok) echo "$2/perpok -b $base svc1" ;;
    perphup) echo "$2/perphup -b $base" ;;
    c-empty) echo "$work/exchange" ;;
    c-exchange) echo "$work/exchange $base svc1" ;;
  esac
}
programs="empty perpctl perpstat perpok perphup"
echo "# load_at_start $(cut -d' ' -f1-3 /proc/loadavg)"
raw=$work/raw
: >"$raw"
for ((r = 1; r <= rounds; r++)); do
  say "round $r of $rounds"
  for v in $built; do
    for p in $programs; do
      # shellcheck disable=SC2046
      line=$("$ST" "$reps" $(prog "$p" "$work/$v"))
      echo "$v $p $line" >>"$raw"
    done
  done
  # What one exchange with perpd costs by itself: a C program with and without it.
  for p in c-empty c-exchange; do
    # shellcheck disable=SC2046
    line=$("$ST" "$reps" $(prog "$p"))
    echo "c $p $line" >>"$raw"
  done
done
echo "# load_at_end $(cut -d' ' -f1-3 /proc/loadavg)"
# The KEY= figures of every round of variant V, program P, sorted; the middle one.
field() { awk -v v="$2" -v p="$3" -v k="$1" '$1 == v && $2 == p { for (i = 3; i <= NF; i++) { split($i, kv, "="); if (kv[1] == k) print kv[2] } }' "$raw" | sort -n; }
mid() { awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
# The exchange's own cost (connect, stat, one X query and its reply, perpd's wake-up): the
# C program with it minus without it. A tool that asks perpd cannot go below the empty
# program plus this; ratio_to_empty_plus_exchange is against that sum (the tools' own share).
cfloor=$(field median c c-empty | mid) cexch=$(field median c c-exchange | mid)
xcost=$(awk -v a="$cexch" -v b="$cfloor" 'BEGIN { printf "%.1f", a - b }')
echo "# exchange (bench/lib/exchange.c, median_us): C program alone $cfloor, with one status exchange with perpd $cexch; the exchange costs $xcost"
printf 'variant\tprogram\tmedian_us\tp90_us\tround_median_min\tround_median_max\tratio_to_empty\tratio_to_empty_plus_exchange\tsize_kib\tsyscalls\tfailed_syscalls\tpage_faults\ttask_clock_ms\n'
for v in $built; do
  emed=""
  for p in $programs; do
    stats="$(field median "$v" "$p" | mid) $(field p90 "$v" "$p" | mid) $(field median "$v" "$p" | head -1) $(field median "$v" "$p" | tail -1)"
    read -r med p90 lo hi <<<"$stats"
    [ "$p" = empty ] && emed=$med
    f=$(prog "$p" "$work/$v" | cut -d' ' -f1)
    size=$(( $(stat -L -c %s "$f") / 1024 ))
    # shellcheck disable=SC2046
    strace -f -c -o "$work/strace.txt" $(prog "$p" "$work/$v") >/dev/null 2>&1 || true
    read -r calls errs < <(awk '/^ *[0-9.]+ +[0-9.]+ +[0-9]+ +[0-9]+/ && $NF != "total" { c += $4; if (NF == 6) e += $5 } END { print c + 0, e + 0 }' "$work/strace.txt")
    faults=- clock=-
    if command -v perf >/dev/null; then
      # shellcheck disable=SC2046
      read -r faults clock < <(perf stat -x, -e page-faults,task-clock -r 20 $(prog "$p" "$work/$v") 2>&1 >/dev/null |
        awk -F, '$3 == "page-faults" { f = $1 } $3 == "task-clock" { c = $1 } END { printf "%s %.2f\n", f == "" ? "-" : f, c }')
    fi
    # perphup's signal to perpd is no status exchange, but as close a one as the C program has.
    xratio=-
    [ "$p" = empty ] || xratio=$(awk -v a="$med" -v b="$emed" -v x="$xcost" 'BEGIN { printf "%.2f", a / (b + x) }')
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$v" "$p" "$med" "$p90" "$lo" "$hi" \
      "$(awk -v a="$med" -v b="$emed" 'BEGIN { printf "%.2f", a / b }')" "$xratio" "$size" "$calls" "$errs" "$faults" "$clock"
  done
done

# GC start-up knobs (environment form of the runtime options) on the variant without the
# baked-in ones (else the first built); the as-built pair has GCgen0size=1000000 and
# GCRegionRange=100000000 (hex) from the project files.
v=$(echo $built | cut -d" " -f1)
case " $built " in *" 0-no-gc-knobs "*) v=0-no-gc-knobs ;; esac
printf '\nGC knob (env, variant %s)\tprogram\tmedian_us\tp90_us\tsyscalls\tpage_faults\n' "$v"
for knob in none DOTNET_GCgen0size=1000000 DOTNET_GCRegionRange=100000000 "DOTNET_GCgen0size=1000000 DOTNET_GCRegionRange=100000000" DOTNET_GCHeapHardLimit=4000000 DOTNET_GCConserveMemory=9; do
  kv=()
  # shellcheck disable=SC2206
  [ "$knob" = none ] || kv=($knob)
  for p in empty perpstat; do
    meds=""
    for ((r = 1; r <= rounds; r++)); do
      # shellcheck disable=SC2046
      line=$(env "${kv[@]}" "$ST" "$reps" $(prog "$p" "$work/$v"))
      meds="$meds $line"
    done
    # shellcheck disable=SC2046
    env "${kv[@]}" strace -f -c -o "$work/strace.txt" $(prog "$p" "$work/$v") >/dev/null 2>&1 || true
    calls=$(awk '$NF == "total" { print $4 }' "$work/strace.txt")
    faults=-
    # shellcheck disable=SC2046
    command -v perf >/dev/null && faults=$(env "${kv[@]}" perf stat -x, -e page-faults -r 20 $(prog "$p" "$work/$v") 2>&1 >/dev/null | awk -F, '$3 == "page-faults" { print $1 }')
    printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$knob" "$p" \
      "$(echo "$meds" | tr ' ' '\n' | awk -F= '$1 == "median" { print $2 }' | sort -n | mid)" \
      "$(echo "$meds" | tr ' ' '\n' | awk -F= '$1 == "p90" { print $2 }' | sort -n | mid)" "$calls" "$faults"
  done
done

# perpd's reply to `u` of a down service (the control path; the spawn follows the reply).
printf '\nperpd reply to u (bench/lib/replytime.c, %s exchanges)\t%s\n' "$((rounds * reps))" "$("$work/replytime" "$((rounds * reps))" "$base" down1)"
