#!/usr/bin/env bash
# The three figures of perpd's note: idle wakeups (context switches of all perpd threads
# over 30 s idle), memory with 200 running services, and kill -> restart latency.
#   tests/PerpPS.Daemon.Tests/measure/perpd-figures.sh /path/to/perpd [idle-seconds]
# Everything it starts is stopped by pid at the end.
set -euo pipefail
perpd=${1:?usage: perpd-figures.sh PERPD [IDLE_SECONDS]}
idle=${2:-30}
work=$(mktemp -d /tmp/perpd-figures.XXXXXX)
base=$work/base
mkdir -p "$base"
pid=
cleanup() {
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then kill -TERM "$pid"; wait "$pid" 2>/dev/null || true; fi
  chmod -R u+w "$work"; rm -rf "$work"
}
trap cleanup EXIT

switches() { # sum of voluntary+nonvoluntary context switches of every thread of $1
  cat /proc/"$1"/task/*/status | awk '/ctxt_switches/ { s += $2 } END { print s }'
}

for i in $(seq 1 200); do
  d=$base/svc$i; mkdir "$d"
  printf '#!/bin/sh\ncase $1 in start) exec sleep 100000 ;; esac\nexit 0\n' > "$d/rc.main"
  chmod +x "$d/rc.main"; chmod +t "$d"
done
d=$base/timed; mkdir "$d"
cat > "$d/rc.main" <<SH
#!/bin/sh
case \$1 in start) date +%s.%N >> $work/starts; exec sleep 100000 ;; esac
exit 0
SH
chmod +x "$d/rc.main"; chmod +t "$d"

"$perpd" "$base" 2> "$work/perpd.log" &
pid=$!
until grep -q 'supervising 201 active services' "$work/perpd.log" 2>/dev/null; do sleep 0.1; done
until [ "$(ps --ppid "$pid" --no-headers | wc -l)" -ge 201 ]; do sleep 0.1; done
sleep 2

echo "threads: $(ls /proc/$pid/task | wc -l)"
awk '/^(Rss|Pss|Private_Dirty):/ { printf "%s %d KiB\n", $1, $2 }' /proc/$pid/smaps_rollup | sed 's/^/201 services: /'

a=$(switches "$pid")
sleep "$idle"
b=$(switches "$pid")
echo "idle: $((b - a)) context switches of all perpd threads in ${idle} s"

# kill -> restart: SIGKILL the timed service, wait for its next start stamp.
total=0; n=10
for k in $(seq 1 $n); do
  sleep 1.1   # past the governor's second, so the restart is immediate
  before=$(wc -l < "$work/starts")
  spid=$(python3 - "$base" <<'PY'
import socket, os, struct, sys
base = sys.argv[1]
s = socket.socket(socket.AF_UNIX); s.connect(base + '/.control/perpd.sock')
st = os.stat(base + '/timed')
s.send(bytes([2, ord('Q'), 16]) + struct.pack('<QQ', st.st_dev, st.st_ino))
r = s.recv(100)
print(struct.unpack('<I', r[3 + 30:3 + 34])[0])
PY
)
  t0=$(date +%s.%N); kill -KILL "$spid"
  while [ "$(wc -l < "$work/starts")" -le "$before" ]; do sleep 0.001; done
  t1=$(tail -1 "$work/starts")
  ms=$(echo "($t1 - $t0) * 1000" | bc -l)
  total=$(echo "$total + $ms" | bc -l)
  printf 'kill->restart %2d: %.2f ms\n' "$k" "$ms"
done
printf 'kill->restart mean of %d: %.2f ms (includes the reset script run and the start shell)\n' $n "$(echo "$total / $n" | bc -l)"
