#!/usr/bin/env bash
# Soak run: the demo server under mixed load (allowed, substituted, blocked, unknown, anonymous and
# malformed requests from several threads) while its policy is replaced every 30 seconds and its
# country database every 60 (written beside and renamed over, as geoipupdate and editors do). Each version
# gives the same answers, so the checks are exact: no 5xx, no permissive answer (a refusal or a
# substitution that did not happen), a flat heap live set (measured after a full GC once a minute)
# and a flat open-file count, and an audit trail that verifies at the end.
#
# Usage: bench/soak.sh [--minutes 30] [--threads 4] [--heap 256m] [--work DIR]
# Long runs belong under nice -n 19 on a shared machine: nice -n 19 bench/soak.sh --minutes 30
# Needs Java 17 (jcmd) and Maven (builds the demo and command jars when missing).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
minutes=30
threads=4
heap=256m
work="$root/demo-server/target/soak"
usage() { sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'; }
while [[ $# -gt 0 ]]; do
  case "$1" in
    --minutes) minutes="$2"; shift 2 ;;
    --threads) threads="$2"; shift 2 ;;
    --heap) heap="$2"; shift 2 ;;
    --work) work="$2"; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) echo "soak.sh: unknown option '$1'; see --help." >&2; exit 2 ;;
  esac
done
[[ "$minutes" =~ ^[1-9][0-9]*$ ]] || { echo "soak.sh: --minutes '$minutes' is not a positive number." >&2; exit 2; }
[[ "$threads" =~ ^[1-9][0-9]*$ ]] || { echo "soak.sh: --threads '$threads' is not a positive number." >&2; exit 2; }

demo_jar="$root/demo-server/target/geofence-demo.jar"
cli_jar="$root/cli/target/geofence-cli.jar"
if [[ ! -f "$demo_jar" || ! -f "$cli_jar" ]]; then
  echo "soak.sh: building the demo and command jars" >&2
  (cd "$root" && mvn -B -q -DskipTests -pl demo-server,cli -am package)
fi

rm -rf "$work"
mkdir -p "$work/audit"
# Run copies: a rebuild during a long soak must not replace the jars under the running server.
cp "$demo_jar" "$work/geofence-demo.jar"
cp "$cli_jar" "$work/geofence-cli.jar"
demo_jar="$work/geofence-demo.jar"
cli_jar="$work/geofence-cli.jar"
cd "$work"
geofence() { java -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -jar "$cli_jar" "$@"; }

# Two versions of each file with the same answers for the soak's callers; version b has one more
# network and another version string, so each swap really is a new file.
cat >ranges-a.csv <<'CSV'
6.0.0.0,6.255.255.255,US
2001:db8:6::,2001:db8:6:ffff:ffff:ffff:ffff:ffff,US
152.240.0.0,152.240.255.255,BR
36.96.0.0,36.96.255.255,CN
192.0.2.0,192.0.2.255,DE
CSV
cp ranges-a.csv ranges-b.csv
echo "198.51.100.0,198.51.100.255,FR" >>ranges-b.csv
geofence db build ranges-a.csv -o country-a.mmdb >/dev/null
geofence db build ranges-b.csv -o country-b.mmdb >/dev/null
printf '192.0.2.0,192.0.2.255,anonymous_vpn\n' >anonymous.csv
geofence db build --type GeoIP2-Anonymous-IP anonymous.csv -o anonymous.mmdb >/dev/null
sed 's/^version: .*/version: soak-a/' "$root/examples/policy.yaml" >policy-a.yaml
sed 's/^version: .*/version: soak-b/' "$root/examples/policy.yaml" >policy-b.yaml
cp policy-a.yaml policy.yaml
cp country-a.mmdb country.mmdb

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
java "-Xmx$heap" -jar "$demo_jar" --port "$port" --policy policy.yaml --geoip country.mmdb \
  --anonymous-db anonymous.mmdb --audit audit --audit-durability 1s >demo.log 2>&1 &
demo=$!
client=""
swapper=""
cleanup() {
  touch "$work/stop"
  [[ -n "$swapper" ]] && kill "$swapper" 2>/dev/null || true
  kill "$demo" 2>/dev/null || true
}
trap cleanup EXIT
for _ in $(seq 1 120); do
  curl -s -o /dev/null "http://127.0.0.1:$port/geofence/status" && break
  kill -0 "$demo" 2>/dev/null || { cat demo.log >&2; echo "soak.sh: the demo did not start" >&2; exit 1; }
  sleep 1
done

# Replace the policy every 30 s and the database every 60 s, alternating the versions. The demo
# polls the database every 30 s and loads a changed file once two polls in a row see it unchanged
# (so it never reads a file still being written): a database replaced every 30 s would never
# settle and never be loaded, so it is replaced at every other swap.
swap() {
  local v=b n=0
  while [[ ! -f "$work/stop" ]]; do
    sleep 30
    n=$((n + 1))
    cp "policy-$v.yaml" policy.yaml.tmp && mv -f policy.yaml.tmp policy.yaml
    if (( n % 2 == 0 )); then
      cp "country-$v.mmdb" country.mmdb.tmp && mv -f country.mmdb.tmp country.mmdb
      echo "$(date -u +%H:%M:%SZ) policy and database to $v" >>swaps.log
    else
      echo "$(date -u +%H:%M:%SZ) policy to $v" >>swaps.log
    fi
    v=$([[ $v == a ]] && echo b || echo a)
  done
}
swap &
swapper=$!

echo "# soak: demo pid $demo on port $port, $threads client threads, $minutes min, heap $heap, load $(cut -d' ' -f1-3 /proc/loadavg), $(date -u +%H:%MZ)"
java "$root/bench/soak/SoakClient.java" "http://127.0.0.1:$port" "$threads" "$work/stop" >client.log 2>&1 &
client=$!

# Once a minute: live heap after a full GC, open files, requests so far (from the audit trail).
echo "minute,live_heap_kib,open_files,audit_lines" >samples.csv
for minute in $(seq 1 "$minutes"); do
  sleep 60
  kill -0 "$demo" 2>/dev/null || { echo "soak.sh: the demo died" >&2; tail -20 demo.log >&2; exit 1; }
  jcmd "$demo" GC.run >/dev/null
  live=$(jcmd "$demo" GC.heap_info | grep -oE 'used [0-9]+K' | head -1 | grep -oE '[0-9]+')
  fds=$(ls "/proc/$demo/fd" | wc -l)
  lines=$(cat audit/*.jsonl | wc -l)
  echo "$minute,$live,$fds,$lines" | tee -a samples.csv
done

touch "$work/stop"
wait "$client" || true
kill "$swapper" 2>/dev/null || true
kill "$demo"
wait "$demo" || true
policy_reloads=$(grep -c 'Policy reloaded' demo.log || true)
database_reloads=$(grep -c 'Reloaded GeoIP\|INFO .*Reloaded ' demo.log || true)
warnings=$(grep -c ' WARN ' demo.log || true)

echo "# client"
grep -v '^wrong ' client.log
grep '^wrong ' client.log | cut -c1-300 || true
echo "# swaps: $(grep -c 'policy' swaps.log) policy, $(grep -c 'database' swaps.log) database; policy reloads: $policy_reloads; database reloads: $database_reloads; WARN lines: $warnings"
echo "# audit verify"
verify=0
geofence audit verify audit/audit-*.jsonl || verify=$?

# Flat: the last third's highest live heap within 20% (plus 4 MiB) of the first third's highest,
# after the first two minutes of warm-up; open files within 5 of the first sample after warm-up.
verdict=$(python3 - "$minutes" <<'PY'
import csv, sys
rows = list(csv.DictReader(open("samples.csv")))
rows = [r for r in rows if int(r["minute"]) > 2] or rows
third = max(1, len(rows) // 3)
first, last = rows[:third], rows[-third:]
h0 = max(int(r["live_heap_kib"]) for r in first)
h1 = max(int(r["live_heap_kib"]) for r in last)
f0 = int(first[0]["open_files"])
f1 = max(int(r["open_files"]) for r in last)
heap_ok = h1 <= h0 * 1.2 + 4096
fds_ok = f1 <= f0 + 5
print(f"live heap first third max {h0} KiB, last third max {h1} KiB ({'flat' if heap_ok else 'GROWING'}); "
      f"open files {f0} -> max {f1} ({'flat' if fds_ok else 'GROWING'})")
print("ok" if heap_ok and fds_ok else "fail")
PY
)
echo "# $(echo "$verdict" | head -1)"
result=$(grep '^RESULT' client.log || echo "RESULT missing")
fail=0
[[ "$result" == *" server_errors=0 "* && "$result" == *" permissive=0 "* ]] || fail=1
[[ "$(echo "$verdict" | tail -1)" == ok ]] || fail=1
[[ $verify -eq 0 ]] || fail=1
if [[ $fail -eq 0 ]]; then echo "# soak passed"; else echo "# soak FAILED"; fi
exit $fail
