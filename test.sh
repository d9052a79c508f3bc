#!/usr/bin/env bash
# Runs every PerpPS test: builds (./build.sh), runs the xunit suites against the Native AOT
# binaries in out/bin, then the Pester suite when pwsh and Pester 5 are installed.
# Ends with one line "tests: N passed, N failed, N skipped" and exits non-zero on any failure.
set -uo pipefail
cd "$(dirname "$0")"
root=$PWD
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

./build.sh || { echo "test.sh: build failed"; echo "tests: 0 passed, 1 failed"; exit 1; }
export PERPPS_BIN=$root/out/bin

results=$(mktemp -d)
log=$results/dotnet-test.log
dotnet test PerpPS.sln -c Release --nologo --results-directory "$results" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}

# Sum the per-assembly summary lines ("Passed!  - Failed: 0, Passed: 12, Skipped: 0, ...").
read -r passed failed skipped < <(grep -E '(Passed|Failed)! +- +Failed:' "$log" | sed -E \
  's/.*Failed: *([0-9]+), Passed: *([0-9]+), Skipped: *([0-9]+).*/\2 \1 \3/' |
  awk '{p+=$1; f+=$2; s+=$3} END {print p+0, f+0, s+0}')
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi

if command -v pwsh >/dev/null 2>&1 &&
   pwsh -NoProfile -Command 'if (Get-Module -ListAvailable Pester | Where-Object Version -ge 5.0) { exit 0 } else { exit 1 }'; then
  echo "test.sh: running the Pester suite (tests/Pester)"
  if pwsh -NoProfile -Command "\$c = New-PesterConfiguration; \$c.Run.Path = 'tests/Pester'; \$c.Run.Exit = \$true; \$c.Output.Verbosity = 'Detailed'; \$r = Invoke-Pester -Configuration \$c -PassThru; Write-Host \"pester: \$(\$r.PassedCount) passed, \$(\$r.FailedCount) failed\"; exit \$r.FailedCount" | tee "$results/pester.log"; then
    :
  else
    failed=$((failed + 1))
  fi
  pp=$(sed -nE 's/^pester: ([0-9]+) passed.*/\1/p' "$results/pester.log" | tail -1)
  passed=$((passed + ${pp:-0}))
else
  echo "test.sh: Pester suite SKIPPED: pwsh with Pester 5 is not installed on this machine (tests/Pester runs where it is)"
fi

rm -rf "$results"
echo "tests: $passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
