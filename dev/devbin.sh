#!/usr/bin/env bash
# Developer loop: a JIT (non-AOT) build of perpd and the two multi-call binaries, linked
# into DIR under every program name, for running tests without a Native AOT publish:
#   PERPPS_ARTIFACTS=/tmp/art-me dev/devbin.sh /tmp/bin-me && PERPPS_BIN=/tmp/bin-me dotnet test ...
# The test command (./test.sh) always tests the Native AOT build from ./build.sh instead.
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${1:?usage: dev/devbin.sh DIR}
art=${PERPPS_ARTIFACTS:-$PWD/artifacts}
mkdir -p "$dir"
for p in PerpPS.Daemon PerpPS.Tools PerpPS.Runtools; do
  dotnet build "src/$p" -c Debug --nologo -v:q >/dev/null || { dotnet build "src/$p" -c Debug --nologo -v:q; exit 1; }
done
ln -sfn "$art/bin/PerpPS.Daemon/debug/perpd" "$dir/perpd"
for multi in PerpPS.Tools/debug/perpps-tools PerpPS.Runtools/debug/perpps-runtools; do
  exe=$art/bin/$multi
  ln -sfn "$exe" "$dir/$(basename "$exe")"
  for name in $("$exe" --list); do ln -sfn "$exe" "$dir/$name"; done
done
if [ -d scripts ]; then
  for s in scripts/*; do [ -f "$s" ] && ln -sfn "$PWD/$s" "$dir/$(basename "$s")"; done
fi
echo "devbin: $dir"
