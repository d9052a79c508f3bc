#!/bin/sh
# The application webapp.service starts: reports who and where it runs, then serves until told.
echo "server up: user=$(id -un) mode=$MODE greeting=$GREETING args=$* nofile=$(ulimit -n) cwd=$(pwd) at=$(date +%s.%N)"
trap 'echo "server: SIGINT, clean exit"; exit 0' INT
while :; do sleep 0.2; done
