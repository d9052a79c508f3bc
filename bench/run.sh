#!/usr/bin/env bash
# PerpPS side by side with runit, s6 and daemontools (Debian's packages), on the same
# services: memory, idle wakeups, kill→restart latency, CLI status/control latency,
# Get-PerpService in a warm runspace, mass start, logger throughput; in full mode also the
# long protocol fuzz and restart soak. Writes bench/RESULTS-run.md (or --out FILE).
#
#   bench/run.sh --quick          ~25 minutes: 20/200/1000 services (perpd also 9000/10000), 1-minute soak/fuzz
#   bench/run.sh                  full: 20/200/1000/9000/10000 everywhere a peer can, 10-minute soak/fuzz
# Options: --bin DIR (PerpPS programs; default out/bin, built by ./build.sh if missing),
#          --sizes "20 200", --peers "runit s6 daemontools", --out FILE, --no-install,
#          --kinds "perp runit" (what to measure), --no-long, --trials N, --idle SECONDS
# Needs root (installs packages, raises nothing else). Every process it starts is stopped
# by pid; its temp directory is removed at the end.
set -uo pipefail
export LC_ALL=C
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
# shellcheck source=lib/peers.sh
. "$here/lib/peers.sh"
# shellcheck source=lib/supervisors.sh
. "$here/lib/supervisors.sh"

mode=full sizes="" peers="runit s6 daemontools" kinds="" bin="" out="$here/RESULTS-run.md"
install=1 long=1 trials="" idle=""
while [ $# -gt 0 ]; do
  case $1 in
    --quick) mode=quick ;;
    --bin) bin=$2; shift ;;
    --sizes) sizes=$2; shift ;;
    --peers) peers=$2; shift ;;
    --kinds) kinds=$2; shift ;;
    --out) out=$2; shift ;;
    --no-install) install=0 ;;
    --no-long) long=0 ;;
    --trials) trials=$2; shift ;;
    --idle) idle=$2; shift ;;
    -h|--help) sed -n '2,14p' "$0"; exit 0 ;;
    *) echo "bench: unknown option $1" >&2; exit 100 ;;
  esac
  shift
done
if [ "$mode" = quick ]; then
  : "${sizes:=20 200 1000 9000 10000}" "${trials:=15}" "${idle:=15}"
  peer_cap=1000 log_lines=1000000 long_s=60
else
  : "${sizes:=20 200 1000 9000 10000}" "${trials:=30}" "${idle:=60}"
  peer_cap=10000 log_lines=5000000 long_s=600
fi

export PERPPS_ARTIFACTS=${PERPPS_ARTIFACTS:-/tmp/perpps-art-bench}
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
work=$(mktemp -d /tmp/perpps-bench.XXXXXX)
raw=$work/raw.tsv
: >"$raw"
SUP_PID=""
cur_kind="" cur_dir=""

cleanup() {
  trap '' INT TERM # a second Ctrl-C must not cut the clean-up short
  if [ -n "$SUP_PID" ] && kill -0 "$SUP_PID" 2>/dev/null; then sup_stop "$cur_kind" "$cur_dir" "$SUP_PID"; fi
  chmod -R u+w "$work" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

say() { echo "bench: $*" >&2; }
record() { printf '%s\t%s\t%s\n' "$1" "$2" "$3" >>"$raw"; say "$1 $2: $3"; }

# --- the machine -----------------------------------------------------------------------
{
  echo "date=$(date -u +%Y-%m-%dT%H:%MZ)"
  echo "cpu=$(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo) ($(nproc) cores)"
  echo "memory=$(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo)"
  echo "kernel=$(uname -r)"
  echo "os=$(. /etc/os-release && echo "$PRETTY_NAME")"
  echo "dotnet=$(dotnet --version 2>/dev/null)"
  echo "load_at_start=$(cut -d' ' -f1-3 /proc/loadavg)"
  echo "mode=$mode"
} >"$work/machine.txt"

# --- the peers and PerpPS ---------------------------------------------------------------
if [ $install -eq 1 ]; then
  say "installing runit, s6, daemontools from Debian (their services kept from starting)"
  install_peers || { say "peer install failed"; exit 1; }
fi
stop_stray_peers
peer_versions >>"$work/machine.txt"
[ -n "$kinds" ] || kinds="perp perp-gen0 $peers"
case " $kinds " in *" perp "*) want_perp=1 ;; *) want_perp=0 ;; esac
if [ -z "$bin" ]; then
  bin=$root/out/bin
  if [ $want_perp -eq 1 ] && [ ! -x "$bin/perpd" ]; then say "no out/bin/perpd: running ./build.sh"; (cd "$root" && ./build.sh) || exit 1; fi
fi
PERPPS_BIN=$(cd "$bin" 2>/dev/null && pwd || echo "$bin")
export PERPPS_BIN PATH="$PERPPS_BIN:$PATH"
# A JIT developer build (dev/devbin.sh) has perpd.dll beside the apphost: its memory
# figures are the JIT's, not what ships.
if [ -e "$(dirname "$(readlink -f "$PERPPS_BIN/perpd")")/perpd.dll" ]; then
  perpd_kind="JIT developer build (memory figures NOT representative)"
else
  perpd_kind="Native AOT"
fi
[ $want_perp -eq 0 ] || echo "perpps=$(git -C "$root" rev-parse --short HEAD 2>/dev/null) perpd $perpd_kind" >>"$work/machine.txt"

say "building the measuring helper"
dotnet build "$here/PerpBench" -c Release --nologo -v:q >"$work/helper-build.log" 2>&1 || { cat "$work/helper-build.log"; exit 1; }
BENCH=$PERPPS_ARTIFACTS/bin/PerpBench/release/perpbench
export BENCH

per_call_ms() {
  local reps=$1 i t0 t1
  shift
  t0=$EPOCHREALTIME
  for ((i = 0; i < reps; i++)); do "$@" >/dev/null 2>&1; done
  t1=$EPOCHREALTIME
  awk -v a="$t0" -v b="$t1" -v n="$reps" 'BEGIN { printf "%.3f", (b - a) * 1000 / n }'
}

# Processes this bench may still create: two per service for the peers, one for perpd.
pid_room() {
  local max used
  max=$(cat /proc/sys/kernel/pid_max)
  used=$(ls -d /proc/[0-9]* 2>/dev/null | wc -l)
  echo $((max - used - 2000))
}

measure() {
  local kind=$1 n=$2 d names i
  local per=2
  [ "${kind%%-*}" = perp ] && per=1
  if [ $per -eq 2 ] && [ "$n" -gt "$peer_cap" ]; then
    record "$kind" "$n" "skipped=capped at $peer_cap services in $mode mode"; return
  fi
  if [ "$kind" = daemontools ] && [ "$n" -gt 1000 ]; then
    record "$kind" "$n" "skipped=svscan supervises at most 1000 services (compiled-in SERVICES)"; return
  fi
  if [ $((n * per)) -gt "$(pid_room)" ]; then
    record "$kind" "$n" "skipped=not enough pids (pid_max $(cat /proc/sys/kernel/pid_max))"; return
  fi
  d=$work/$kind-$n
  mkdir -p "$d"
  STARTS=$d/starts
  : >"$STARTS"
  sup_make "$kind" "$d" "$n"
  cur_kind=$kind cur_dir=$d
  local t0=$EPOCHREALTIME
  sup_start "$kind" "$d"
  local line
  line=$("$BENCH" await-starts "$STARTS" "$n" "$t0" $((60 + n / 100)))
  record "$kind" "$n" "$line"
  if ! kill -0 "$SUP_PID" 2>/dev/null; then
    record "$kind" "$n" "error=supervisor exited: $(tail -3 "$d/supervisor.log" | tr '\n\t' '  ')"
    SUP_PID=""; return
  fi
  sleep 2
  record "$kind" "$n" "$("$BENCH" mem "$SUP_PID")"
  record "$kind" "$n" "$("$BENCH" wakeups "$SUP_PID" "$idle")"
  names=""
  for ((i = 1; i <= n && i <= 20; i++)); do names="$names $(svc_name "$i")"; done
  # shellcheck disable=SC2086
  record "$kind" "$n" "$("$BENCH" restart "$STARTS" "$trials" $names)"
  local svc reps=100
  svc=$(svc_name 1)
  # shellcheck disable=SC2046
  record "$kind" "$n" "status_ms=$(per_call_ms $reps $(sup_status "$kind" "$d" "$svc")) control_ms=$(per_call_ms $reps $(sup_control "$kind" "$d" "$svc")) exec_true_ms=$(per_call_ms $reps /bin/true)"
  if [ "$kind" = perp ]; then
    # shellcheck disable=SC2046
    record perp "$n" "perpstat_ms=$(per_call_ms $reps $(sup_status perpstat "$d" "$svc")) perpls_all_ms=$(per_call_ms 20 "$PERPPS_BIN/perpls" -b "$(sup_layout perp "$d")")"
    if [ -n "${PSBENCH:-}" ]; then
      record perp "$n" "$("$PSBENCH" "$root/module/Perp.psd1" "$(sup_layout perp "$d")" "$svc" 200 2>>"$work/psbench.log")"
    fi
  fi
  sup_stop "$kind" "$d" "$SUP_PID"
  SUP_PID=""
  chmod -R u+w "$d" 2>/dev/null
  rm -rf "$d"
}

measure_log() {
  local kind=$1 d
  d=$work/$kind-log
  mkdir -p "$d"
  STARTS=$d/starts
  sup_make_logged "$kind" "$d" "$log_lines" "$d/logs" "$d/t0"
  cur_kind=$kind cur_dir=$d
  sup_start "$kind" "$d"
  record "$kind" log "$("$BENCH" log-wait "$d/logs" "$log_lines" "$d/t0" 300)"
  sup_stop "$kind" "$d" "$SUP_PID"
  SUP_PID=""
  rm -rf "$d"
}

# The warm-runspace Get-PerpService probe needs the module (module/Perp.psd1 and its
# assemblies in module/bin, made by ./build.sh).
PSBENCH=""
if [ -f "$root/module/Perp.psd1" ] && ls "$root"/module/bin/*.dll >/dev/null 2>&1; then
  say "building the PowerShell host probe"
  if dotnet build "$here/PsBench" -c Release --nologo -v:q >"$work/psbench-build.log" 2>&1; then
    PSBENCH=$PERPPS_ARTIFACTS/bin/PsBench/release/psbench
  else
    say "PsBench did not build (see below); Get-PerpService is not measured"; tail -5 "$work/psbench-build.log" >&2
  fi
else
  say "module/Perp.psd1 with module/bin not present: Get-PerpService is not measured"
fi

for n in $sizes; do
  for kind in $kinds; do
    say "== $kind with $n services"
    measure "$kind" "$n"
  done
done
for kind in $kinds; do
  say "== $kind logger throughput ($log_lines lines)"
  measure_log "$kind"
done

if [ $long -eq 1 ]; then
  say "== long protocol fuzz and restart soak against perpd"
  "$BENCH" long-fuzz "$PERPPS_BIN" "$long_s" >"$work/fuzz.txt" 2>&1; record perp fuzz "$(tail -1 "$work/fuzz.txt") trend_rss_kb=$(grep -o 'rss_kb=[0-9]*' "$work/fuzz.txt" | cut -d= -f2 | paste -sd, -)"
  "$BENCH" long-soak "$PERPPS_BIN" "$long_s" >"$work/soak.txt" 2>&1; record perp soak "$(tail -1 "$work/soak.txt") trend_rss_kb=$(grep -o 'rss_kb=[0-9]*' "$work/soak.txt" | cut -d= -f2 | paste -sd, -)"
fi

echo "load_at_end=$(cut -d' ' -f1-3 /proc/loadavg)" >>"$work/machine.txt"
"$BENCH" report "$work/machine.txt" "$raw" >"$out.tmp" && mv "$out.tmp" "$out"
# The hand-written reading of the committed run, kept across re-runs.
[ -f "$here/RESULTS-run-notes.md" ] && { echo; cat "$here/RESULTS-run-notes.md"; } >>"$out"
cp "$raw" "${out%.md}.raw.tsv"
say "results written to $out (raw figures in ${out%.md}.raw.tsv)"
