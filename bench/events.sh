#!/usr/bin/env bash
# bench/events.sh [--bin DIR] [SERVICES [TRIALS]]: the event stream's figures (issue #9):
# kill -9 → Exited event latency through Core's EventSubscription (median/p90/max),
# perpls time with 0 and with 100 subscribers (10 never reading) while services are killed,
# perpd's RSS before and after a 20,000-event storm, and idle context switches with 100
# subscribers connected. Needs no root. Default: out/bin, 200 services, 30 trials.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=out/bin
if [ "${1:-}" = --bin ]; then bin=$2; shift 2; fi
dotnet build bench/EventBench -c Release --nologo -v:q -o /tmp/perpps-eventbench.$$ >/dev/null
trap 'rm -rf /tmp/perpps-eventbench.$$' EXIT
/tmp/perpps-eventbench.$$/eventbench "$(readlink -f "$bin")" "${1:-200}" "${2:-30}"
