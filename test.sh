#!/usr/bin/env bash
# Runs every PerpPS test: builds (./build.sh), runs the xunit suites against the Native AOT
# binaries in out/bin, then the Pester suite tests/Pester on pwsh 7.6.9 + Pester 5.9.1
# (dev/install-test-tools.sh installs them into .tools/ when missing).
# Ends with one line "tests: N passed, N failed, N skipped" and exits non-zero on any failure.
set -uo pipefail
cd "$(dirname "$0")"
root=$PWD
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

./build.sh || { echo "test.sh: build failed"; echo "tests: 0 passed, 1 failed"; exit 1; }
export PERPPS_BIN=$root/out/bin

# What the tests use beyond the SDK, installed when missing before anything runs: pwsh 7.6.9
# and Pester 5.9.1 into .tools/, Debian's openssh-server and strace (a failed install fails
# the run: Pester is never skipped).
tools=$root/.tools
dev/install-test-tools.sh "$tools"
tools_status=$?

results=$(mktemp -d)
log=$results/dotnet-test.log
dotnet test PerpPS.sln -c Release --nologo --results-directory "$results" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}

# Sum the per-assembly summary lines ("Passed!  - Failed: 0, Passed: 12, Skipped: 0, ...").
read -r passed failed skipped < <(grep -E '(Passed|Failed)! +- +Failed:' "$log" | sed -E \
  's/.*Failed: *([0-9]+), Passed: *([0-9]+), Skipped: *([0-9]+).*/\2 \1 \3/' |
  awk '{p+=$1; f+=$2; s+=$3} END {print p+0, f+0, s+0}')
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi

# Pester: tests/Pester on the same build.
if [ "$tools_status" -eq 0 ]; then
  echo "test.sh: running the Pester suite (tests/Pester)"
  PSModulePath="$tools/Modules" "$tools/pwsh/pwsh" -NoProfile -NoLogo -File dev/run-pester.ps1 2>&1 | tee "$results/pester.log"
  pester_status=${PIPESTATUS[0]}
  if read -r pp pf ps < <(sed -nE 's/^pester: ([0-9]+) passed, ([0-9]+) failed, ([0-9]+) skipped.*/\1 \2 \3/p' "$results/pester.log" | tail -1); then
    passed=$((passed + pp)); failed=$((failed + pf)); skipped=$((skipped + ps))
    if [ "$pester_status" -ne 0 ] && [ "$pf" -eq 0 ]; then failed=$((failed + 1)); fi
  else
    echo "test.sh: the Pester run printed no summary (exit $pester_status)"
    failed=$((failed + 1))
  fi
else
  echo "test.sh: installing pwsh/Pester/sshd for the Pester suite FAILED"
  failed=$((failed + 1))
fi

rm -rf "$results"
echo "tests: $passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
