#!/usr/bin/env bash
# Multi-host test on one machine (needs root and iproute2): runs MultiHostIT, which puts the real
# coordinator (TLS on gRPC and HTTPS, serve --bind/--http-bind on its namespace address) and two real
# agents in three network namespaces joined by veth pairs on a bridge, runs a campaign, pulls one
# agent's link mid-job and checks that every job ends with one row and the agent's spool flushes;
# also that the dashboard answers 401 from another namespace without the viewer token, 200 with it.
# Namespaces, links and the bridge are made with unique names and removed at the end, also on failure.
# Exit 0 when it holds; the test prints how long the link was down.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
if [[ "$(id -u)" != 0 ]]; then
  echo "test-multihost: network namespaces need root (run with sudo)" >&2
  exit 2
fi
if ! command -v ip >/dev/null; then
  echo "test-multihost: 'ip' (iproute2) is not installed" >&2
  exit 2
fi
start=$(date +%s)
source scripts/lib/run-it.sh
status=0
run_it MultiHostIT "MultiHostIT|Tests run:|BUILD|ERROR\]" || status=$?
echo "test-multihost: exit $status after $(( $(date +%s) - start )) s (build included)"
exit "$status"
