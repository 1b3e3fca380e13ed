#!/usr/bin/env bash
# Runs the JMH benchmarks several times over (each pass runs every selected benchmark once, so
# passes interleave under whatever else the machine is doing) with the GC profiler, and prints for
# each benchmark the median score of the passes, their range, and the allocation per operation.
#
# Usage: bench/jmh.sh [--passes 3] [--out DIR] [REGEX] [-- MORE_JMH_OPTIONS]
#   REGEX selects benchmarks as JMH does (default: all); e.g. 'Decision|Policy'.
# Needs the benchmarks jar: mvn -B -q -DskipTests -pl benchmarks -am package
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
passes=3
out="$root/benchmarks/target/jmh"
regex=""
more=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --passes) passes="$2"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    --) shift; more=("$@"); break ;;
    -h|--help) sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) echo "jmh.sh: unknown option '$1'; see --help." >&2; exit 2 ;;
    *) regex="$1"; shift ;;
  esac
done
[[ "$passes" =~ ^[1-9][0-9]*$ ]] || { echo "jmh.sh: --passes '$passes' is not a positive number." >&2; exit 2; }
jar="$root/benchmarks/target/benchmarks.jar"
[[ -f "$jar" ]] || { echo "jmh.sh: $jar is missing; build it with: mvn -B -q -DskipTests -pl benchmarks -am package" >&2; exit 2; }

mkdir -p "$out"
cd "$root/benchmarks"
for pass in $(seq 1 "$passes"); do
  echo "# pass $pass/$passes, load $(cut -d' ' -f1-3 /proc/loadavg), $(date -u +%H:%MZ)" | tee -a "$out/conditions.txt"
  java -Duser.language=en -jar "$jar" ${regex:+"$regex"} -prof gc -rf csv -rff "$out/pass-$pass.csv" "${more[@]}" \
    >"$out/pass-$pass.log" 2>&1
done
echo "# done, load $(cut -d' ' -f1-3 /proc/loadavg), $(date -u +%H:%MZ)" | tee -a "$out/conditions.txt"

# One row per benchmark and parameters: median, min and max score over the passes, and the median
# allocation per operation (gc.alloc.rate.norm).
awk -F',' '
  { sub(/\r$/, "") }
  FNR == 1 { for (i = 1; i <= NF; i++) { h = $i; gsub(/"/, "", h); col[h] = i; name[i] = h }; next }
  {
    for (i = 1; i <= NF; i++) gsub(/"/, "", $i)
    bench = $col["Benchmark"]; params = ""
    for (i = 1; i <= NF; i++) if (name[i] ~ /^Param: / && $i != "") params = params " " substr(name[i], 8) "=" $i
    alloc = bench ~ /:gc\.alloc\.rate\.norm$/
    if (bench ~ /:/ && !alloc) next
    sub(/:gc\.alloc\.rate\.norm$/, "", bench); sub(/^dev\.geofence\.benchmarks\./, "", bench)
    key = bench params
    if (alloc) { bytes[key] = bytes[key] " " $col["Score"] } else { scores[key] = scores[key] " " $col["Score"]; unit[key] = $col["Unit"] }
    if (!(key in seen)) { seen[key] = 1; order[++n] = key }
  }
  function median(list,   v, c, i, j, t) {
    c = split(list, v, " ")
    for (i = 1; i <= c; i++) for (j = i + 1; j <= c; j++) if (v[j] + 0 < v[i] + 0) { t = v[i]; v[i] = v[j]; v[j] = t }
    lo = v[1]; hi = v[c]
    return c % 2 ? v[(c + 1) / 2] : (v[c / 2] + v[c / 2 + 1]) / 2
  }
  END {
    printf "| %-62s | %12s | %-21s | %-6s | %10s |\n", "benchmark", "median", "range", "unit", "B/op"
    printf "|%s|%s|%s|%s|%s|\n", "----------------------------------------------------------------", "-------------:", "-----------------------", "--------", "-----------:"
    for (k = 1; k <= n; k++) {
      key = order[k]; m = median(scores[key]); l = lo; h = hi
      b = key in bytes ? sprintf("%.0f", median(bytes[key])) : "-"
      printf "| %-62s | %12.3f | %9.3f - %9.3f | %-6s | %10s |\n", key, m, l, h, unit[key], b
    }
  }' "$out"/pass-*.csv | tee "$out/summary.md"
