#!/usr/bin/env bash
# The main job: build PerpPS, start perpd supervising a copy of examples/, show the status.
#   ./run.sh         build, (re)start the demo, show perpls
#   ./run.sh stop    stop the demo's perpd (its services stop with it)
set -euo pipefail
cd "$(dirname "$0")"
root=$PWD
demo=$root/.demo
base=$demo/base
bin=$root/out/bin

stop_demo() {
  if [ -e "$base/.control/perpd.pid" ] && [ -x "$bin/perphup" ]; then
    "$bin/perphup" -t "$base" 2>/dev/null || true
    for _ in $(seq 1 100); do
      pid=$(cat "$base/.control/perpd.pid" 2>/dev/null || true)
      [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
  fi
}

if [ "${1:-}" = stop ]; then stop_demo; echo "run.sh: demo stopped"; exit 0; fi

./build.sh
stop_demo
rm -rf "$demo"
mkdir -p "$demo"
cp -a examples "$base"
rm -f "$base/README.md"
for sv in "$base"/*/; do chmod +t "$sv"; done

export PATH=$bin:$PATH
nohup "$bin/perpd" "$base" >"$demo/perpd.log" 2>&1 </dev/null &
echo "run.sh: perpd started (pid $!) on $base, its log in $demo/perpd.log"
sleep 2
echo
echo "\$ perpls -b $base"
"$bin/perpls" -b "$base"
echo
echo "\$ perpstat -b $base hello oneshot standby store app"
"$bin/perpstat" -b "$base" hello oneshot standby store app
echo
echo "Try: PATH=$bin:\$PATH perpctl -b $base u standby;  ./run.sh stop  to stop the demo."
