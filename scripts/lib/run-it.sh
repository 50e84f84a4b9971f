# Sourced by the scripts/test-*.sh checks, from the repository root.
# run_it IT PATTERN: builds the coordinator and agent modules and runs the integration test IT alone (unit
# tests skipped, offline); prints the log lines matching the extended regex PATTERN once each (the last 40
# lines when none match) and returns mvn's exit status. The log stays in $it_log until the script exits.
run_it() {
  it_log="$(mktemp)"
  trap 'rm -f "$it_log"' EXIT
  local status=0
  mvn -B -o -pl coordinator,agent -am -Dsurefire.failIfNoSpecifiedTests=false -Dit.test="$1" -Dtest=none \
    verify >"$it_log" 2>&1 || status=$?
  grep -E "$2" "$it_log" | awk '!seen[$0]++' || tail -40 "$it_log"
  return "$status"
}
