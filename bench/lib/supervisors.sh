# One set of functions per supervisor, so run.sh measures them all the same way.
# Every supervisor gets N identical services: a /bin/sh runscript that appends
# "NAME PID" to $STARTS (one short O_APPEND write) and execs sleep. perp's runscript
# also receives the reset call (`rc.main reset NAME ...`) and simply exits for it.
#
#   sup_layout KIND DIR      the directory that holds the service definitions
#   sup_make KIND DIR N      writes N services svc00001.. into it
#   sup_start KIND DIR       starts the supervisor in the background (our child), pid in SUP_PID
#   sup_stop KIND DIR PID    stops it the supervisor's own way, then by pid whatever is left
#   sup_status KIND DIR SVC  one status query with the supervisor's CLI (argv for "$@")
#   sup_control KIND DIR SVC one harmless control command (SIGCONT) with its CLI

SLEEP_FOR=100000000

sup_layout() {
  case $1 in
    perp|perp-gen0) echo "$2/base" ;;
    runit) echo "$2/service" ;;
    s6) echo "$2/scan" ;;
    daemontools) echo "$2/svc" ;;
  esac
}

svc_name() { printf 'svc%05d' "$1"; }

sup_make() {
  local kind=$1 dir=$2 n=$3 layout i name sd
  layout=$(sup_layout "$kind" "$dir")
  mkdir -p "$layout"
  for ((i = 1; i <= n; i++)); do
    name=$(svc_name "$i")
    sd=$layout/$name
    mkdir -p "$sd"
    if [ "${kind%%-*}" = perp ]; then
      printf '#!/bin/sh\n[ "$1" = start ] || exit 0\necho "%s $$" >>%s\nexec sleep %s\n' \
        "$name" "$STARTS" "$SLEEP_FOR" >"$sd/rc.main"
      chmod 0755 "$sd/rc.main"
      chmod +t "$sd"
    else
      printf '#!/bin/sh\necho "%s $$" >>%s\nexec sleep %s\n' "$name" "$STARTS" "$SLEEP_FOR" >"$sd/run"
      chmod 0755 "$sd/run"
    fi
  done
}

# A service that prints 1..LINES into its logger, which writes LOGDIR/current.
sup_make_logged() {
  local kind=$1 dir=$2 lines=$3 logdir=$4 t0file=$5 layout sd
  layout=$(sup_layout "$kind" "$dir")
  sd=$layout/logsvc
  mkdir -p "$sd" "$logdir"
  local body="date +%s.%N >$t0file
seq 1 $lines
exec sleep $SLEEP_FOR"
  case $kind in
    perp|perp-gen0)
      printf '#!/bin/sh\n[ "$1" = start ] || exit 0\n%s\n' "$body" >"$sd/rc.main"
      printf '#!/bin/sh\n[ "$1" = start ] || exit 0\nexec tinylog -k 100 -s 16000000 %s\n' "$logdir" >"$sd/rc.log"
      chmod 0755 "$sd/rc.main" "$sd/rc.log"
      chmod +t "$sd" ;;
    runit)
      mkdir -p "$sd/log"
      printf '#!/bin/sh\n%s\n' "$body" >"$sd/run"
      printf 's16000000\nn100\n' >"$logdir/config"
      printf '#!/bin/sh\nexec svlogd %s\n' "$logdir" >"$sd/log/run"
      chmod 0755 "$sd/run" "$sd/log/run" ;;
    s6)
      mkdir -p "$sd/log"
      printf '#!/bin/sh\n%s\n' "$body" >"$sd/run"
      printf '#!/bin/sh\nexec s6-log n100 s16000000 %s\n' "$logdir" >"$sd/log/run"
      chmod 0755 "$sd/run" "$sd/log/run" ;;
    daemontools)
      mkdir -p "$sd/log"
      printf '#!/bin/sh\n%s\n' "$body" >"$sd/run"
      printf '#!/bin/sh\nexec multilog s16000000 n100 %s\n' "$logdir" >"$sd/log/run"
      chmod 0755 "$sd/run" "$sd/log/run" ;;
  esac
}

sup_start() {
  local kind=$1 dir=$2 layout
  layout=$(sup_layout "$kind" "$dir")
  case $kind in
    perp) setsid "$PERPPS_BIN/perpd" "$layout" >"$dir/supervisor.log" 2>&1 </dev/null & ;;
    # perpd with a 256 KiB gen0 budget (hex, no 0x): what a small GC budget buys.
    perp-gen0) DOTNET_GCgen0size=40000 setsid "$PERPPS_BIN/perpd" "$layout" >"$dir/supervisor.log" 2>&1 </dev/null & ;;
    runit) setsid runsvdir "$layout" >"$dir/supervisor.log" 2>&1 </dev/null & ;;
    # s6-svscan supervises at most 500 services unless told otherwise (-c).
    s6) setsid s6-svscan -c 20000 "$layout" >"$dir/supervisor.log" 2>&1 </dev/null & ;;
    daemontools) setsid svscan "$layout" >"$dir/supervisor.log" 2>&1 </dev/null & ;;
  esac
  SUP_PID=$!
}

sup_status() {
  local kind=$1 layout
  layout=$(sup_layout "$kind" "$2")
  case $kind in
    perp|perp-gen0) echo "$PERPPS_BIN/perpls" -b "$layout" "$3" ;;
    perpstat) echo "$PERPPS_BIN/perpstat" -b "$layout" "$3" ;;
    runit) echo sv status "$layout/$3" ;;
    s6) echo s6-svstat "$layout/$3" ;;
    daemontools) echo svstat "$layout/$3" ;;
  esac
}

sup_control() {
  local kind=$1 layout
  layout=$(sup_layout "$kind" "$2")
  case $kind in
    perp|perp-gen0) echo "$PERPPS_BIN/perpctl" -b "$layout" -q c "$3" ;;
    runit) echo sv cont "$layout/$3" ;;
    s6) echo s6-svc -c "$layout/$3" ;;
    daemontools) echo svc -c "$layout/$3" ;;
  esac
}

# Stops a supervisor: first its own orderly way (bounded), then SIGKILL by pid to every
# process of the tree recorded before (the supervisor, its per-service supervisors and the
# services), so nothing the bench started survives.
sup_stop() {
  local kind=$1 dir=$2 pid=$3 layout tree p
  layout=$(sup_layout "$kind" "$dir")
  tree=$("$BENCH" tree "$pid")
  case $kind in
    perp|perp-gen0) kill -TERM "$pid" 2>/dev/null ;;
    runit) kill -HUP "$pid" 2>/dev/null ;;
    s6) s6-svscanctl -t "$layout" 2>/dev/null || kill -TERM "$pid" 2>/dev/null ;;
    daemontools) svc -dx "$layout"/* 2>/dev/null; kill -TERM "$pid" 2>/dev/null ;;
  esac
  local deadline=$((SECONDS + 20))
  while kill -0 "$pid" 2>/dev/null && [ $SECONDS -lt $deadline ]; do sleep 0.1; done
  for p in $tree; do kill -KILL "$p" 2>/dev/null; done
  wait "$pid" 2>/dev/null || true
}
