#!/usr/bin/env bash
# Fuzzes one target with Jazzer for a while, then prints the executions, the coverage reached and
# any finding. A finding is written as an input file beside the target's committed inputs
# (src/test/resources/<package>/<Class>Inputs/<method>/crash-*): fix the cause, keep the file, and
# every build replays it. The corpus the fuzzer grows stays in <module>/.cifuzz-corpus (not
# committed).
#
# Usage: bench/fuzz.sh TARGET DURATION      e.g. bench/fuzz.sh policy 10m
#   TARGET: policy | address | model | mmdb | audit
#   DURATION: as Jazzer takes it: 30s, 10m, 1h
# Long runs belong under nice -n 19 on a shared machine: nice -n 19 bench/fuzz.sh mmdb 10m
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
usage() { sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'; }
[[ "${1:-}" == "-h" || "${1:-}" == "--help" ]] && { usage; exit 0; }
[[ $# -eq 2 ]] || { echo "fuzz.sh: expected TARGET DURATION; see --help." >&2; exit 2; }
target="$1"
duration="$2"
case "$target" in
  policy)  module=policy; class=dev.geofence.policy.PolicyLoaderFuzzTest ;;
  address) module=filter; class=dev.geofence.filter.address.ClientAddressFuzzTest ;;
  model)   module=filter; class=dev.geofence.filter.internal.model.JsonModelFuzzTest ;;
  mmdb)    module=filter; class=dev.geofence.filter.geo.DatabaseFuzzTest ;;
  audit)   module=filter; class=dev.geofence.filter.audit.AuditVerifyFuzzTest ;;
  *) echo "fuzz.sh: unknown target '$target'; expected policy, address, model, mmdb or audit." >&2; exit 2 ;;
esac
[[ "$duration" =~ ^[1-9][0-9]*(s|m|h)$ ]] || { echo "fuzz.sh: duration '$duration' is not like 30s, 10m or 1h." >&2; exit 2; }

# The parsers we feed: our own code, and the libraries that read the same bytes first.
instrument='dev.geofence.**,com.maxmind.db.**,com.fasterxml.jackson.core.**,com.fasterxml.jackson.dataformat.yaml.**,org.snakeyaml.**,org.yaml.snakeyaml.**'
inputs="$root/$module/src/test/resources/$(echo "${class%.*}" | tr . /)/${class##*.}Inputs"
before="$(find "$inputs" -type f -name 'crash-*' 2>/dev/null | sort)"
mkdir -p "$root/$module/target/fuzz"
report="$root/$module/target/fuzz/$target.log"

echo "# fuzzing $target ($class) for $duration, load $(cut -d' ' -f1-3 /proc/loadavg), $(date -u +%H:%MZ)"
status=0
(cd "$root" && JAZZER_FUZZ=1 mvn -o -q -pl "$module" -am test \
  -Dtest="$class" -Dsurefire.failIfNoSpecifiedTests=false \
  -Djazzer.hooks=true -Djazzer.max_duration="$duration" \
  -DargLine="-Djazzer.instrument=$instrument -Xmx1g" >"$report" 2>&1) || status=$?
echo "# done, $(date -u +%H:%MZ)"

# libFuzzer's own summary lines: executions, coverage and speed.
grep -aE '^#[0-9]+[[:space:]]+(INITED|DONE)|^Done [0-9]+ runs' "$report" || true
after="$(find "$inputs" -type f -name 'crash-*' 2>/dev/null | sort)"
new="$(comm -13 <(echo "$before") <(echo "$after") | sed '/^$/d')"
if [[ -n "$new" ]]; then
  echo "# findings (fix, then commit these as regression inputs):"
  echo "$new"
  grep -aE '^== Java Exception|^== FuzzerSecurityIssue|^	at ' "$report" | head -40 || true
  exit 1
fi
[[ $status -eq 0 ]] || { tail -20 "$report" >&2; echo "# maven failed (status $status) without a finding; see $report" >&2; exit "$status"; }
echo "# no findings"
