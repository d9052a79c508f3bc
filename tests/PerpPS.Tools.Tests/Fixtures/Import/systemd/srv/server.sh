#!/bin/sh
# The application webapp.service starts: reports who and where it runs, tells systemd it is
# ready (Type=notify) once it has "warmed up" (here: once a file ready-now appears), fails with
# exit 1 when a file fail-now appears, and serves until told.
echo "server up: user=$(id -un) mode=$MODE greeting=$GREETING args=$* nofile=$(ulimit -n) cwd=$(pwd) at=$(date +%s.%N)"
trap 'echo "server: SIGINT, clean exit"; exit 0' INT
ready() {
  if command -v systemd-notify >/dev/null 2>&1; then
    systemd-notify --ready
  else
    python3 -c 'import os, socket
a = os.environ["NOTIFY_SOCKET"]
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.sendto(b"READY=1", "\0" + a[1:] if a.startswith("@") else a)'
  fi
}
while [ ! -e ready-now ]; do sleep 0.1; done
ready
echo "server ready"
while :; do
  if [ -e fail-now ]; then
    rm -f fail-now
    echo "server failing at=$(date +%s.%N)"
    exit 1
  fi
  sleep 0.2
done
