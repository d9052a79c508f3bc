#!/usr/bin/env bash
# bench/issue13.sh [--bin DIR] [--out FILE] [--quick] [--no-install] [--skip "startup events ..."] [--kinds "perp s6"]
# The figures of issue #13 ("Performance"), PerpPS side by side with runit, s6 and
# daemontools (Debian's packages) in one run; perp 2.07 itself is not on the machine, so
# every ratio is against the peers or against an empty Native AOT program. Writes a
# markdown report (default bench/RESULTS.md): machine, commit, load, and per measure the
# median with its spread (min–max of trials, or p90). Sections (names for --skip):
#   mass     mass start of 200 and 1000 services (5 and 3 trials per supervisor)
#   at200    at 200 services: RSS/PSS, idle wakeups (5 s), kill→restarted, listing,
#            one-service status, SIGCONT, `u` reply, Get-PerpService, Start-PerpService -NoWait,
#            10,000 client connections, Watch-PerpService kill -9 latency
#   big      Get-PerpService and perpls at 10,000 services (perpd only)
#   import   bench/import.sh: Import-Module Perp and the first Get-PerpService, R2R module vs a
#            JIT-only copy, without its format/types data, and vs an empty binary module;
#            the same in a ReadyToRun copy of pwsh, as Microsoft's packages ship it
#   log      logger throughput (tinylog, svlogd, s6-log, multilog), 3 trials of 1,000,000 lines
#   events   bench/events.sh (100 subscribers, 10 never reading)
#   startup  bench/startup.sh (tools vs the empty Native AOT program, build variants)
# Needs root (installs the peers). Everything it starts is stopped by pid.
set -uo pipefail
export LC_ALL=C DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
. "$here/lib/peers.sh"
. "$here/lib/supervisors.sh"
bin=$root/out/bin out=$here/RESULTS.md install=1 skip="" quick=0 kinds="perp runit s6 daemontools"
while [ $# -gt 0 ]; do
  case $1 in
    --bin) bin=$2; shift ;;
    --out) out=$2; shift ;;
    --no-install) install=0 ;;
    --skip) skip=$2; shift ;;
    --quick) quick=1 ;;
    --kinds) kinds=$2; shift ;;
    -h|--help) sed -n '2,20p' "$0"; exit 0 ;;
    *) echo "issue13: unknown option $1" >&2; exit 100 ;;
  esac
  shift
done
want() { case " $skip " in *" $1 "*) return 1 ;; *) return 0 ;; esac; }
export PERPPS_ARTIFACTS=${PERPPS_ARTIFACTS:-/tmp/perpps-art-bench}
PERPPS_BIN=$(cd "$bin" && pwd); export PERPPS_BIN PATH="$PERPPS_BIN:$PATH"   # tinylog for rc.log
PWSH=${PWSH:-$(command -v pwsh || echo /work/wt/.tools/pwsh/pwsh)}
work=$(mktemp -d /tmp/perpps-issue13.XXXXXX)
SUP_PID="" cur_kind="" cur_dir=""
cleanup() {
  trap '' INT TERM
  if [ -n "$SUP_PID" ] && kill -0 "$SUP_PID" 2>/dev/null; then sup_stop "$cur_kind" "$cur_dir" "$SUP_PID"; fi
  chmod -R u+w "$work" 2>/dev/null; rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
say() { echo "issue13: $*" >&2; }
md=$work/report.md
: >"$md"
emit() { printf '%s\n' "$*" >>"$md"; }

# --- numbers ------------------------------------------------------------------------------
# med: the median of numbers on stdin; spread: "median (min–max)"; medp90: "median / p90".
med() { sort -g | awk '{ a[NR] = $1 } END { if (NR) print a[int((NR + 1) / 2)]; else print "NaN" }'; }
spread() { sort -g | awk '{ a[NR] = $1 } END { if (NR) printf "%s (%s–%s)", a[int((NR + 1) / 2)], a[1], a[NR]; else print "—" }'; }
medp90() { sort -g | awk '{ a[NR] = $1 } END { if (NR) { i = int(NR * 0.9); if (i < 1) i = 1; printf "%s / %s", a[int((NR + 1) / 2)], a[i] } else print "—" }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b + 0 > 0 && a != "NaN") printf "%.2f", a / b; else print "—" }'; }
kv() { tr ' ' '\n' | awk -F= -v k="$1" '$1 == k { print $2 }'; }   # KEY from key=value words
us2ms() { awk '{ printf "%.3f\n", $1 / 1000 }'; }

# --- the machine and the tools -------------------------------------------------------------
if [ $install -eq 1 ]; then install_peers || { say "peer install failed"; exit 1; }; fi
stop_stray_peers
load_start=$(cut -d' ' -f1-3 /proc/loadavg)
say "building the helpers"
cc -O2 -Wall -Wextra -o "$work/spawntime" "$here/lib/spawntime.c" || exit 1
ST=$work/spawntime
for p in PerpBench PsBench; do
  dotnet build "$here/$p" -c Release --nologo -v:q >"$work/$p.log" 2>&1 || { cat "$work/$p.log" >&2; exit 1; }
done
BENCH=$PERPPS_ARTIFACTS/bin/PerpBench/release/perpbench
PSBENCH=$PERPPS_ARTIFACTS/bin/PsBench/release/psbench
export BENCH

# One supervisor of KIND with N services in a fresh directory; SUP_PID, D, L set.
up_kind() {
  local kind=$1 n=$2
  D=$work/$kind-$n-$RANDOM
  mkdir -p "$D"
  STARTS=$D/starts; : >"$STARTS"
  sup_make "$kind" "$D" "$n"
  L=$(sup_layout "$kind" "$D")
  cur_kind=$kind cur_dir=$D
  local t0=$EPOCHREALTIME
  sup_start "$kind" "$D"
  START_LINE=$("$BENCH" await-starts "$STARTS" "$n" "$t0" $((60 + n / 50)))
}
down_kind() { sup_stop "$cur_kind" "$cur_dir" "$SUP_PID"; SUP_PID=""; chmod -R u+w "$D" 2>/dev/null; rm -rf "$D"; }


declare -A R   # R[measure,kind] = text for the tables

# --- mass start ----------------------------------------------------------------------------
if want mass; then
  for n in 200 1000; do
    trials=5; [ "$n" -eq 1000 ] && trials=3; [ $quick -eq 1 ] && trials=2
    for kind in $kinds; do
      : >"$work/mass"
      for ((t = 1; t <= trials; t++)); do
        say "mass start: $kind, $n services, trial $t"
        up_kind "$kind" "$n"
        echo "$START_LINE" | kv start_all_s >>"$work/mass"
        down_kind
      done
      R[mass$n,$kind]=$(spread <"$work/mass")
      R[mass$n-med,$kind]=$(med <"$work/mass")
    done
  done
fi

# --- at 200 services -------------------------------------------------------------------------
# is_up KIND SVC: the service's main process runs.
is_up() {
  case $1 in
    perp) "$PERPPS_BIN/perpls" -b "$L" "$2" | grep -q 'pids: [0-9]' ;;
    runit) sv status "$L/$2" | grep -q '^run:' ;;
    s6) [ "$(s6-svstat -o up "$L/$2")" = true ] ;;
    daemontools) svstat "$L/$2" | grep -q ': up ' ;;
  esac
}
updown() { # KIND u|d SVC: argv of the supervisor's own "up"/"down" command
  case $1 in
    perp) echo "$PERPPS_BIN/perpctl -b $L $2 $3" ;;
    runit) [ "$2" = u ] && echo "/usr/bin/sv up $L/$3" || echo "/usr/bin/sv down $L/$3" ;;
    s6) echo "/usr/bin/s6-svc -$2 $L/$3" ;;
    daemontools) echo "/usr/bin/svc -$2 $L/$3" ;;
  esac
}
wait_for() { local i; for ((i = 0; i < 2000; i++)); do if [ "$1" = up ]; then is_up "$2" "$3" && return 0; else is_up "$2" "$3" || return 0; fi; sleep 0.005; done; return 1; }
list_cmd() { # KIND: argv listing every service (s6 has no multi-service svstat: one per service)
  case $1 in
    perp) echo "$PERPPS_BIN/perpls -b $L" ;;
    runit) echo "/usr/bin/sv status $(echo "$L"/*)" ;;
    s6) printf '%s\n' '#!/bin/sh' "for d in $L/*; do s6-svstat \"\$d\"; done" >"$work/s6list"; chmod +x "$work/s6list"; echo "$work/s6list" ;;
    daemontools) echo "/usr/bin/svstat $(echo "$L"/*)" ;;
  esac
}
status_cmd() {
  case $1 in
    perp) echo "$PERPPS_BIN/perpstat -b $L $2" ;;
    runit) echo "/usr/bin/sv status $L/$2" ;;
    s6) echo "/usr/bin/s6-svstat $L/$2" ;;
    daemontools) echo "/usr/bin/svstat $L/$2" ;;
  esac
}
cont_cmd() {
  case $1 in
    perp) echo "$PERPPS_BIN/perpctl -b $L c $2" ;;
    runit) echo "/usr/bin/sv cont $L/$2" ;;
    s6) echo "/usr/bin/s6-svc -c $L/$2" ;;
    daemontools) echo "/usr/bin/svc -c $L/$2" ;;
  esac
}
# perpd's floor: the empty Native AOT program built with perpd's own settings
# (bench/EmptyAot/daemon-floor.targets imports src/PerpPS.Daemon/NativeImage.props), blocked
# in pause(2); then perpd with 0 and with 200 services. FLOOR_STARTS starts each, smaps_rollup
# 2 s after the start (after all services have started), medians with their spread.
floor_mem() { # argv: the floor program; R[floor-rss], R[floor-pss], R[floor-rss-med], ...
  local i p m
  : >"$work/floor-rss"; : >"$work/floor-pss"
  for ((i = 1; i <= FLOOR_STARTS; i++)); do
    setsid "$@" </dev/null >/dev/null 2>&1 &
    p=$!
    sleep 2
    m=$("$BENCH" mem "$p")
    echo "$m" | kv rss_kb >>"$work/floor-rss"; echo "$m" | kv pss_kb >>"$work/floor-pss"
    kill -TERM "$p" 2>/dev/null; wait "$p" 2>/dev/null
  done
}
perpd_mem() { # N: R[pN-rss] etc. over FLOOR_STARTS starts of perpd with N services
  local n=$1 i m
  : >"$work/p$n-rss"; : >"$work/p$n-pss"
  for ((i = 1; i <= FLOOR_STARTS; i++)); do
    up_kind perp "$n"
    sleep 2
    m=$("$BENCH" mem "$SUP_PID")
    echo "$m" | kv rss_kb >>"$work/p$n-rss"; echo "$m" | kv pss_kb >>"$work/p$n-pss"
    down_kind
  done
}
FLOOR_STARTS=${FLOOR_STARTS:-5}
if want at200 && case " $kinds " in *" perp "*) true ;; *) false ;; esac; then
  say "at 200: perpd's floor (empty Native AOT program with perpd's settings), $FLOOR_STARTS starts each"
  if PERPPS_ARTIFACTS=$work/art-floor dotnet publish "$here/EmptyAot" -c Release -r linux-x64 -o "$work/floor" \
      -p:DebugType=none -p:DebugSymbols=false "-p:CustomAfterMicrosoftCommonTargets=$here/EmptyAot/daemon-floor.targets" \
      --nologo -v:q >"$work/floor.log" 2>&1; then
    floor_mem "$work/floor/emptyaot"
    for f in rss pss; do R[floor-$f]=$(spread <"$work/floor-$f"); R[floor-$f-med]=$(med <"$work/floor-$f"); done
    R[floor-kib]=$(( $(stat -c %s "$work/floor/emptyaot") / 1024 )); R[perpd-kib]=$(( $(stat -L -c %s "$PERPPS_BIN/perpd") / 1024 ))
  else
    cat "$work/floor.log" >&2; say "the floor program did not build"
  fi
  for n in 0 200; do
    perpd_mem "$n"
    for f in rss pss; do R[p$n-$f]=$(spread <"$work/p$n-$f"); R[p$n-$f-med]=$(med <"$work/p$n-$f"); done
  done
fi
if want at200; then
  for kind in $kinds; do
    say "at 200: $kind"
    up_kind "$kind" 200
    sleep 2
    m=$("$BENCH" mem "$SUP_PID")
    R[rss,$kind]=$(echo "$m" | kv rss_kb); R[pss,$kind]=$(echo "$m" | kv pss_kb); R[procs,$kind]=$(echo "$m" | kv procs)
    R[wake,$kind]=$("$BENCH" wakeups "$SUP_PID" 5 | kv wakeups)
    names=""; for ((i = 1; i <= 20; i++)); do names="$names $(svc_name "$i")"; done
    # shellcheck disable=SC2086
    r=$("$BENCH" restart "$STARTS" 30 $names)
    R[restart,$kind]="$(echo "$r" | kv restart_median_ms) / $(echo "$r" | kv restart_p90_ms)"
    R[restart-med,$kind]=$(echo "$r" | kv restart_median_ms)
    reps=50
    # shellcheck disable=SC2046
    line=$(SPAWNTIME_ANYEXIT=1 "$ST" 20 $(list_cmd "$kind")); R[list,$kind]="$(echo "$line" | kv median | us2ms) / $(echo "$line" | kv p90 | us2ms)"; R[list-med,$kind]=$(echo "$line" | kv median | us2ms)
    # shellcheck disable=SC2046
    line=$(SPAWNTIME_ANYEXIT=1 "$ST" $reps $(status_cmd "$kind" svc00001)); R[status,$kind]="$(echo "$line" | kv median | us2ms) / $(echo "$line" | kv p90 | us2ms)"; R[status-med,$kind]=$(echo "$line" | kv median | us2ms)
    # shellcheck disable=SC2046
    line=$("$ST" $reps $(cont_cmd "$kind" svc00001)); R[cont,$kind]="$(echo "$line" | kv median | us2ms) / $(echo "$line" | kv p90 | us2ms)"; R[cont-med,$kind]=$(echo "$line" | kv median | us2ms)
    line=$("$ST" $reps /bin/true); R[true,$kind]=$(echo "$line" | kv median | us2ms)
    # The `u` reply: the service is down (its own down command, then its status says so),
    # then the up command is timed alone, spawn to exit; then it is let come up again.
    : >"$work/u"
    for ((t = 1; t <= 30; t++)); do
      svc=$(svc_name $((t % 10 + 21)))
      # shellcheck disable=SC2046
      $(updown "$kind" d "$svc") >/dev/null 2>&1; wait_for down "$kind" "$svc" || say "$kind $svc never went down"
      # shellcheck disable=SC2046
      "$ST" 1 $(updown "$kind" u "$svc") | kv median | us2ms >>"$work/u"
      wait_for up "$kind" "$svc" || say "$kind $svc never came up"
    done
    R[u,$kind]=$(medp90 <"$work/u"); R[u-med,$kind]=$(med <"$work/u")
    if [ "$kind" = perp ]; then
      R[psbench]=$(PSBENCH_ALL_REPS=200 "$PSBENCH" "$root/module/Perp.psd1" "$L" svc00001 200 start 2>>"$work/psbench.log")
      R[pwshget]=$("$PWSH" -NoProfile -File "$here/getservice.ps1" -Base "$L" 2>>"$work/psbench.log" | tail -1)
      R[conn]=$("$BENCH" connections "$L" svc00001 10000 "$SUP_PID")
      R[watch]=$("$PWSH" -NoProfile -File "$here/watch.ps1" -Base "$L" -Trials 40 2>&1 | tail -1)
    fi
    down_kind
  done
fi

# --- 10,000 services (perpd) ------------------------------------------------------------------
if want big; then
  say "10,000 services (flag.down: perpd holds a directory fd each, no process)"
  D=$work/big; mkdir -p "$D"; STARTS=$D/starts; : >"$STARTS"
  sup_make perp "$D" 10000
  L=$(sup_layout perp "$D")
  for s in "$L"/*; do : >"$s/flag.down"; done
  cur_kind=perp cur_dir=$D
  sup_start perp "$D"
  for ((i = 0; i < 600; i++)); do
    [ "$("$PERPPS_BIN/perpls" -b "$L" 2>/dev/null | grep -c '^\[+')" -ge 10000 ] && break; sleep 0.2
  done
  # 40 timed calls of all after 13 untimed: the figure of a session that lists again and again
  # (with the default 10 the JIT's tiers are still being replaced during the timed calls).
  R[big]=$(PSBENCH_ALL_REPS=40 "$PSBENCH" "$root/module/Perp.psd1" "$L" svc00001 100 2>>"$work/psbench.log")
  R[bigpwsh]=$("$PWSH" -NoProfile -File "$here/getservice.ps1" -Base "$L" -Calls 60 -Warm 20 2>>"$work/psbench.log" | tail -1)
  line=$("$ST" 10 "$PERPPS_BIN/perpls" -b "$L"); R[biglist]="$(echo "$line" | kv median | us2ms) / $(echo "$line" | kv p90 | us2ms)"
  down_kind
fi

# --- Import-Module ------------------------------------------------------------------------------
# bench/import.sh: the module as built, a JIT-only copy, without its format/types data, and the
# floor (empty binary and script modules), first import and after a first import, interleaved.
if want import; then
  say "Import-Module: bench/import.sh (12 interleaved rounds)"
  up_kind perp 200
  rounds=12; [ $quick -eq 1 ] && rounds=4
  PWSH=$PWSH "$here/import.sh" --base "$L" --rounds "$rounds" --md >"$work/import.md" 2>"$work/import.log" \
    || { say "bench/import.sh failed"; cat "$work/import.log" >&2; }
  down_kind
fi

# --- logger throughput -------------------------------------------------------------------------
if want log; then
  lines=1000000
  for kind in $kinds; do
    : >"$work/log"
    for ((t = 1; t <= 3; t++)); do
      say "logger: $kind, trial $t"
      D=$work/log-$kind; mkdir -p "$D"; STARTS=$D/starts
      sup_make_logged "$kind" "$D" "$lines" "$D/logs" "$D/t0"
      cur_kind=$kind cur_dir=$D
      sup_start "$kind" "$D"
      line=$("$BENCH" log-wait "$D/logs" "$lines" "$D/t0" 300)
      echo "$line" >>"$work/log-$kind.lines"
      echo "$line" | kv log_lines_per_s >>"$work/log"
      sup_stop "$kind" "$D" "$SUP_PID"; SUP_PID=""; rm -rf "$D"
    done
    R[log,$kind]=$(spread <"$work/log"); R[log-med,$kind]=$(med <"$work/log")
    R[loglost,$kind]=$(cat "$work/log-$kind.lines" | tr ' ' '\n' | awk -F= '$1 == "log_lost" || $1 == "log_doubled" { s += $2 } END { print s + 0 }')
  done
fi

# --- events and start-up (their own scripts) ----------------------------------------------------
if want events; then say "events.sh"; "$here/events.sh" --bin "$PERPPS_BIN" 200 40 >"$work/events.tsv" 2>"$work/events.err" || say "events.sh failed"; fi
if want startup; then say "startup.sh"; "$here/startup.sh" --bin "$PERPPS_BIN" ${STARTUP_WORK:+--work "$STARTUP_WORK"} --rounds 7 --reps 40 >"$work/startup.tsv" 2>"$work/startup.err" || say "startup.sh failed"; fi
load_end=$(cut -d' ' -f1-3 /proc/loadavg)

# --- the report ------------------------------------------------------------------------------------
row() { # LABEL KEY [ratio-key]: one table row over the kinds, with perpd ÷ each peer
  local label=$1 key=$2 rk=${3:-} k line
  line="| $label |"
  for k in $kinds; do line="$line ${R[$key,$k]:-—} |"; done
  if [ -n "$rk" ]; then for k in runit s6 daemontools; do line="$line $(ratio "${R[$rk,perp]:-NaN}" "${R[$rk,$k]:-0}") |"; done; fi
  emit "$line"
}
{
  echo "# PerpPS performance, issue #13 (bench/issue13.sh)"
  echo
  echo "perp 2.07 is not on this machine (no source, no package), so no figure here is against"
  echo "perp itself: ratios are perpd ÷ a peer supervisor (Debian's runit, s6, daemontools) measured in"
  echo "the same run, and the one-shot tools ÷ an empty Native AOT program built with the same settings"
  echo "(bench/EmptyAot). Below 1 = PerpPS smaller or faster. Spreads: \"median (min–max)\" over"
  echo "trials, or \"median / p90\" over calls. Reading and verdicts: see the notes at the end."
  echo
  echo "## Machine"
  echo
  echo "- date: $(date -u +%Y-%m-%dT%H:%MZ)"
  echo "- cpu: $(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo) ($(nproc) cores), memory $(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo)"
  echo "- kernel $(uname -r), $(. /etc/os-release && echo "$PRETTY_NAME"), dotnet $(dotnet --version 2>/dev/null), pwsh $("$PWSH" -NoProfile -c '$PSVersionTable.PSVersion.ToString()' 2>/dev/null)"
  echo "- peers: $(peer_versions | tr '\n' ' ')"
  echo "- PerpPS commit: $(git -C "$root" rev-parse --short HEAD)$(git -C "$root" diff --quiet HEAD -- src || echo ' (with uncommitted changes in src/)'), binaries from $PERPPS_BIN"
  echo "- load average (1/5/15 min) at start: $load_start; at end: $load_end (the machine is shared with other jobs)"
  echo
} >>"$md"
if want mass; then
  emit "## Mass start: all N services started (s), median (min–max)"; emit ""
  emit "| services | perpd | runit | s6 | daemontools | perpd/runit | perpd/s6 | perpd/daemontools |"
  emit "|---|---:|---:|---:|---:|---:|---:|---:|"
  row 200 mass200 mass200-med; row 1000 mass1000 mass1000-med; emit ""
fi
if want at200; then
  emit "## At 200 services"; emit ""
  emit "| measure | perpd | runit | s6 | daemontools | perpd/runit | perpd/s6 | perpd/daemontools |"
  emit "|---|---:|---:|---:|---:|---:|---:|---:|"
  row "supervisor RSS, KiB (all its processes)" rss rss
  row "supervisor PSS, KiB" pss pss
  row "supervisor processes" procs
  row "idle wakeups in 5 s (context switches, all threads)" wake
  row "kill → restarted, ms, median / p90 (30)" restart restart-med
  row "listing every service, ms, median / p90 (20)" list list-med
  row "status of one service, ms (50)" status status-med
  row "SIGCONT to one service, ms (50)" cont cont-med
  row "\`u\` of a down service: command's run, ms (30)" u u-med
  row "fork+exec of /bin/true from the harness, ms" true
  emit ""
  emit "Listing: \`perpls -b BASE\`, \`sv status DIR/*\`, \`svstat DIR/*\`, and for s6 (whose s6-svstat takes"
  emit "one service) a /bin/sh loop of s6-svstat over the 200. Status: perpstat, sv status, s6-svstat, svstat."
  emit "\`u\`: perpctl u, sv up, s6-svc -u, svc -u, each timed from spawn to exit by bench/lib/spawntime.c."
  emit ""
  if [ -n "${R[p200-rss]:-}" ]; then
    emit "perpd against its floor: an empty Native AOT program built with perpd's own settings"
    emit "(bench/EmptyAot + daemon-floor.targets, which imports src/PerpPS.Daemon/NativeImage.props),"
    emit "blocked in pause(2); smaps_rollup 2 s after each start, median (min–max) over $FLOOR_STARTS starts."
    emit ""
    emit "| process | RSS, KiB | PSS, KiB | RSS ÷ floor | PSS ÷ floor | binary, KiB |"
    emit "|---|---:|---:|---:|---:|---:|"
    emit "| empty Native AOT program with perpd's settings, blocked | ${R[floor-rss]:-—} | ${R[floor-pss]:-—} | 1 | 1 | ${R[floor-kib]:-—} |"
    for n in 0 200; do
      emit "| perpd, $n services | ${R[p$n-rss]} | ${R[p$n-pss]} | $(ratio "${R[p$n-rss-med]}" "${R[floor-rss-med]:-0}") | $(ratio "${R[p$n-pss-med]}" "${R[floor-pss-med]:-0}") | ${R[perpd-kib]:-—} |"
    done
    emit ""
  fi
  emit "perpd only, at 200 services:"; emit ""
  emit "- PowerShell (warm runspace, PsBench through the hosting API, one Invoke per call; medians, p90s, and CPU time of the process per call): \`${R[psbench]:-—}\`"
  emit "- Get-PerpService in pwsh itself, a script's loop (bench/getservice.ps1, 300 calls after 50): \`${R[pwshget]:-—}\`"
  emit "- 10,000 sequential client connections (one status query each): \`${R[conn]:-—}\`"
  emit "- Watch-PerpService in pwsh, kill -9 → the event object in the pipeline (bench/watch.ps1): \`${R[watch]:-—}\`"
  emit ""
fi
if want big; then
  emit "## 10,000 services (perpd; every service flag.down, so perpd holds a directory fd each and no process)"; emit ""
  emit "- Get-PerpService (PsBench, 40 calls of all after 13): \`${R[big]:-—}\`"
  emit "- Get-PerpService in pwsh itself, a script's loop (bench/getservice.ps1, 60 calls after 20): \`${R[bigpwsh]:-—}\`"
  emit "- perpls -b BASE of all 10,000, ms, median / p90 (10): ${R[biglist]:-—}"
  emit ""
fi
if want import; then
  emit "## Import-Module Perp, then the first Get-PerpService (200 services), each in a fresh pwsh (bench/import.sh)"; emit ""
  emit "The denominator of the ratio is the empty binary module (bench/EmptyModule, built alike) in the same run."
  emit "\"After a first import\": the empty script module is imported first in the process, so Import-Module's"
  emit "one-time cost is paid (an interactive session that loaded PSReadLine); what is left is the module's own."; emit ""
  cat "$work/import.md" >>"$md" 2>/dev/null; emit ""
fi
if want log; then
  emit "## Logger throughput, lines/s, median (min–max) of 3 × 1,000,000 lines"; emit ""
  emit "| | perpd + tinylog | runit + svlogd | s6 + s6-log | daemontools + multilog | tinylog/svlogd | tinylog/s6-log | tinylog/multilog |"
  emit "|---|---:|---:|---:|---:|---:|---:|---:|"
  row "lines/s" log log-med
  row "lines lost + doubled (all trials)" loglost
  emit ""
fi
if want events && [ -s "$work/events.tsv" ]; then
  emit "## Event stream (bench/events.sh 200 40)"; emit ""; emit '```'; cat "$work/events.tsv" >>"$md"; emit '```'; emit ""
fi
if want startup && [ -s "$work/startup.tsv" ]; then
  emit "## One-shot tools vs an empty Native AOT program (bench/startup.sh, µs, spawn→exit)"; emit ""; emit '```'; cat "$work/startup.tsv" >>"$md"; emit '```'; emit ""
fi
[ -f "$here/RESULTS-notes.md" ] && { echo; cat "$here/RESULTS-notes.md"; } >>"$md"
cp "$md" "$out"
say "written: $out"
