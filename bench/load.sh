#!/usr/bin/env bash
# Load benchmark: the demo server with the geo-fence against the same server without it
# (--no-geofence), both on loopback with a 500,000-network country database, driven by wrk with
# POST /v1/messages (1 KB body) from 1,000,000 distinct callers in X-Forwarded-For (every lookup a
# cache miss), or from 20,000 (--callers 20000: after the warm-up every lookup is a cache hit, as on
# a server whose callers come back).
#
# The two servers run side by side and are measured in turns (A B, then B A, ...) so that a noisy
# machine slows both alike; the figures are medians over the rounds and the ratio of the two.
# Optionally a long run of the geo-fence server alone with GC logging shows the heap stays bounded.
#
# Usage: bench/load.sh [--rounds N] [--duration 20s] [--warmup 60s] [--connections 16]
#                      [--threads 1] [--heap 1g] [--gc-minutes 5] [--no-compare] [--work DIR]
#                      [--audit-durability 1s|each-record] [--callers N] [--mix frontier|allowed]
#                      [--against JAR] [--keep-audit]
# --mix names the model every request asks for: frontier (claude-opus-4-1, the default; most callers
# are substituted or refused) or allowed (claude-haiku-4, a model most callers may use).
# --audit-durability is passed to the geo-fence server: 1s (the default here) forces the audit trail
# once a second and lets allowed requests go without waiting for their line, as the filter's own
# defaults do; each-record forces every line before its request is answered (the demo's default).
# --against JAR compares two builds instead: the second server runs the demo jar JAR (from another
# commit) with the geo-fence and the same options, so "with/without" reads "this build/JAR".
# The servers' audit trails (gigabytes after a few minutes) are removed at the end; --keep-audit
# keeps them in the work directory.
# Needs Java 17, Maven (builds the jars when missing) and wrk (installed with apt-get if missing).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
rounds=5
duration=20s
warmup=60s
connections=16
threads=1
heap=1g
gc_minutes=0
compare=1
audit_durability=1s
work="$root/benchmarks/target/load"
networks=500000
callers=1000000
mix=frontier
against=""
keep_audit=0
port_with=18081
port_without=18082
port_gc=18083

usage() { sed -n '2,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'; }
while [[ $# -gt 0 ]]; do
  case "$1" in
    --rounds) rounds="$2"; shift 2 ;;
    --duration) duration="$2"; shift 2 ;;
    --warmup) warmup="$2"; shift 2 ;;
    --connections) connections="$2"; shift 2 ;;
    --threads) threads="$2"; shift 2 ;;
    --heap) heap="$2"; shift 2 ;;
    --gc-minutes) gc_minutes="$2"; shift 2 ;;
    --no-compare) compare=0; shift ;;
    --work) work="$2"; shift 2 ;;
    --audit-durability) audit_durability="$2"; shift 2 ;;
    --callers) callers="$2"; shift 2 ;;
    --mix) mix="$2"; shift 2 ;;
    --against) against="$2"; shift 2 ;;
    --keep-audit) keep_audit=1; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "load.sh: unknown option '$1'; see --help." >&2; exit 2 ;;
  esac
done
[[ "$rounds" =~ ^[1-9][0-9]*$ ]] || { echo "load.sh: --rounds '$rounds' is not a positive number." >&2; exit 2; }
[[ "$callers" =~ ^[1-9][0-9]*$ ]] || { echo "load.sh: --callers '$callers' is not a positive number." >&2; exit 2; }
case "$mix" in
  frontier) model=claude-opus-4-1 ;;
  allowed) model=claude-haiku-4 ;;
  *) echo "load.sh: --mix '$mix' is not known; expected frontier or allowed." >&2; exit 2 ;;
esac
[[ -z "$against" || -f "$against" ]] || { echo "load.sh: --against '$against' is not a file; expected a demo server jar." >&2; exit 2; }
[[ "$gc_minutes" =~ ^[0-9]+$ ]] || { echo "load.sh: --gc-minutes '$gc_minutes' is not a number of minutes." >&2; exit 2; }

if ! command -v wrk >/dev/null; then
  echo "load.sh: installing wrk" >&2
  if ! apt-get install -y wrk >/dev/null 2>&1; then
    apt-get update >/dev/null && apt-get install -y wrk >/dev/null
  fi
fi

bench_jar="$root/benchmarks/target/benchmarks.jar"
demo_jar="$root/demo-server/target/geofence-demo.jar"
if [[ ! -f "$bench_jar" || ! -f "$demo_jar" ]]; then
  echo "load.sh: building the benchmark and demo jars" >&2
  (cd "$root" && mvn -B -q -DskipTests -pl benchmarks,demo-server -am package)
fi

mkdir -p "$work"
java -cp "$bench_jar" dev.geofence.benchmarks.LoadFixtures "$work" "$networks" "$callers" 1KB
database="$work/country-$networks.mmdb"
caller_file="$work/callers-$callers.txt"
body_file="$work/body-1KB-$mix.json"
# The fixture asks for the frontier model; the same body with another model id of the same length
# class keeps the request size.
sed "s/\"claude-opus-4-1\"/\"$model\"/" "$work/body-1KB.json" >"$body_file"

pids=()
declare -A pid_of
stop_all() {
  for pid in "${pids[@]}"; do
    kill "$pid" 2>/dev/null || true
  done
  for pid in "${pids[@]}"; do
    wait "$pid" 2>/dev/null || true
  done
  pids=()
}
# Stops the servers and removes their audit trails unless --keep-audit.
finish() {
  stop_all
  if (( keep_audit == 0 )); then
    rm -rf "$work"/audit-with "$work"/audit-without "$work"/audit-gc
  fi
}
trap finish EXIT

# start NAME PORT EXTRA_JAVA_OPTS DEMO_OPTIONS...
start() {
  local name="$1" port="$2" java_opts="$3"
  shift 3
  rm -rf "$work/audit-$name"
  local jar="$demo_jar"
  [[ $name == without && -n "$against" ]] && jar="$against"
  # shellcheck disable=SC2086
  java -Xms"$heap" -Xmx"$heap" $java_opts -jar "$jar" --port "$port" --geoip "$database" \
    --audit "$work/audit-$name" "$@" >"$work/server-$name.log" 2>&1 &
  pids+=($!)
  pid_of[$name]=$!
  for _ in $(seq 1 120); do
    if curl -sf -o /dev/null "http://127.0.0.1:$port/v1/models"; then
      return 0
    fi
    sleep 0.5
  done
  echo "load.sh: the $name server did not start; see $work/server-$name.log" >&2
  exit 1
}

# drive PORT DURATION OFFSET: prints wrk's RESULT line
drive() {
  wrk -t "$threads" -c "$connections" -d "$2" -s "$root/bench/load.lua" "http://127.0.0.1:$1" \
    -- "$caller_file" "$body_file" "$3" | grep '^RESULT'
}

field() { sed -n "s/.* $1=\([0-9.]*\).*/\1/p"; }
# CPU time (user + system, in clock ticks) used so far by a server process, all its threads.
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
ticks_per_second=$(getconf CLK_TCK)
# CPU ticks per kind of thread of a process: request threads (Jetty's qtp pool), the audit writer,
# the JIT compilers, GC, the common pool (Caffeine's maintenance) and the rest.
thread_ticks() {
  for task in /proc/"$1"/task/*; do
    printf '%s %s\n' "$(tr ' ' _ <"$task/comm")" "$(awk '{ print $14 + $15 }' "$task/stat")"
  done | awk '{ k = $1 ~ /^qtp/ ? "requests" : $1 ~ /^geofence-audit/ ? "audit-writer" : $1 ~ /Compiler/ ? "jit" \
                 : $1 ~ /^(GC|G1)/ ? "gc" : $1 ~ /^ForkJoinPool/ ? "common-pool" : "other"; t[k] += $2 }
               END { for (k in t) print k, t[k] }' | sort
}
median() { sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
range() { sort -g | awk 'NR == 1 { lo = $1 } { hi = $1 } END { printf "%s-%s", lo, hi }'; }

describe_machine() {
  echo "# $(date -u +%Y-%m-%dT%H:%MZ) $(nproc) CPUs ($(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1)),"\
    "$(java -version 2>&1 | head -1), wrk $(wrk -v 2>&1 | head -1 | awk '{print $2}')"
  [[ -z "$against" ]] || echo "# without = $against with the geo-fence (a build compared with this one)"
  echo "# load before: $(cut -d' ' -f1-3 /proc/loadavg); -t $threads -c $connections, $rounds rounds x $duration, heap $heap, audit durability $audit_durability, $callers callers, mix $mix ($model)"
}

if [[ "$compare" == 1 ]]; then
  results="$work/results.tsv"
  describe_machine | tee "$work/conditions.txt"
  start with "$port_with" "" --audit-durability "$audit_durability"
  if [[ -n "$against" ]]; then
    start without "$port_without" "" --audit-durability "$audit_durability"
  else
    start without "$port_without" "" --no-geofence
  fi
  echo "load.sh: warming both servers up for $warmup each" >&2
  drive "$port_with" "$warmup" 0 >/dev/null
  drive "$port_without" "$warmup" 0 >/dev/null
  printf 'config\tround\trps\tp50_us\tp99_us\tp999_us\tnon2xx\tsocket_errors\tcpu_us_per_request\n' >"$results"
  declare -A total_requests=([with]=0 [without]=0)
  thread_ticks "${pid_of[with]}" >"$work/threads-before.txt"
  thread_ticks "${pid_of[without]}" >"$work/threads-without-before.txt"
  for round in $(seq 1 "$rounds"); do
    # Alternate which goes first, so neither always follows the other.
    if (( round % 2 )); then order="with without"; else order="without with"; fi
    for config in $order; do
      port=$port_with; [[ $config == without ]] && port=$port_without
      before=$(cpu_ticks "${pid_of[$config]}")
      line=$(drive "$port" "$duration" $(( round * 150000 )))
      after=$(cpu_ticks "${pid_of[$config]}")
      total_requests[$config]=$(( total_requests[$config] + $(field requests <<<"$line") ))
      # The server's own CPU per request: unlike throughput, barely moved by what else runs.
      cpu=$(awk -v t=$(( after - before )) -v hz="$ticks_per_second" -v n="$(field requests <<<"$line")" \
        'BEGIN { printf "%.1f", (n > 0 ? t / hz * 1e6 / n : 0) }')
      printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$config" "$round" \
        "$(field rps <<<"$line")" "$(field p50_us <<<"$line")" "$(field p99_us <<<"$line")" \
        "$(field p999_us <<<"$line")" "$(field non2xx <<<"$line")" "$(field socket_errors <<<"$line")" "$cpu" \
        | tee -a "$results"
    done
  done
  thread_ticks "${pid_of[with]}" >"$work/threads-after.txt"
  thread_ticks "${pid_of[without]}" >"$work/threads-without-after.txt"
  stop_all
  echo "# load after: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$work/conditions.txt"
  echo
  echo "CPU per request by thread kind over all measured rounds (us):"
  for config in with without; do
    suffix=""; [[ $config == without ]] && suffix="-without"
    n=${total_requests[$config]}
    # A kind of thread may appear during the rounds (the common pool starts on demand): missing is 0.
    printf '  %-8s %s\n' "$config" "$(join -a 2 -e 0 -o 0,1.2,2.2 "$work/threads$suffix-before.txt" "$work/threads$suffix-after.txt" \
      | awk -v hz="$ticks_per_second" -v n="$n" '{ printf "%s=%.1f ", $1, ($3 - $2) / hz * 1e6 / n }')"
  done

  column() { awk -F'\t' -v c="$1" -v k="$2" '$1 == c { print $k }' "$results"; }
  echo
  printf '%-16s %14s %14s %12s %12s %12s %12s\n' "" "req/s" "p50 ms" "p99 ms" "p99.9 ms" "non-2xx" "CPU us/req"
  for config in with without; do
    label="with geofence"; [[ $config == without ]] && label="without"
    printf '%-16s %14s %14s %12s %12s %12s %12s\n' "$label" \
      "$(column $config 3 | median | xargs printf '%.0f')" \
      "$(column $config 4 | median | awk '{printf "%.2f", $1 / 1000}')" \
      "$(column $config 5 | median | awk '{printf "%.2f", $1 / 1000}')" \
      "$(column $config 6 | median | awk '{printf "%.2f", $1 / 1000}')" \
      "$(column $config 7 | median | xargs printf '%.0f')" \
      "$(column $config 9 | median)"
    printf '%-16s %14s %14s %12s %12s %12s %12s\n' "  (range)" "$(column $config 3 | range)" \
      "$(column $config 4 | range)us" "$(column $config 5 | range)us" "$(column $config 6 | range)us" "" \
      "$(column $config 9 | range)"
  done
  # Paired per round: each round's two runs saw the same machine conditions.
  paired() {
    awk -F'\t' -v k="$1" '$1 == "with" { w[$2] = $k } $1 == "without" { o[$2] = $k }
      END { for (r in w) if (o[r] > 0) print w[r] / o[r] }' "$results"
  }
  echo
  echo "throughput with/without: median of per-round ratios $(paired 3 | median | xargs printf '%.3f')" \
    "(range $(paired 3 | range)); ratio of medians" \
    "$(awk -v a="$(column with 3 | median)" -v b="$(column without 3 | median)" 'BEGIN { printf "%.3f", a / b }')"
  echo "p99 latency with/without: median of per-round ratios $(paired 5 | median | xargs printf '%.3f')" \
    "(range $(paired 5 | range))"
  echo "server CPU per request with/without: median of per-round ratios $(paired 9 | median | xargs printf '%.3f')" \
    "(range $(paired 9 | range))"
  echo "raw results: $results"
fi

if (( gc_minutes > 0 )); then
  echo
  echo "load.sh: ${gc_minutes}-minute run of the geo-fence server with GC logging" >&2
  describe_machine | tee "$work/gc-conditions.txt"
  gc_log="$work/gc.log"
  rm -f "$gc_log"
  start gc "$port_gc" "-Xlog:gc:file=$gc_log:uptime" --audit-durability "$audit_durability"
  # Young collections alone cannot tell garbage promoted to the old generation (evicted cache
  # entries live long enough to be promoted) from a leak: a full collection each minute measures
  # the live set itself.
  ( for _ in $(seq 1 "$gc_minutes"); do
      sleep 60
      jcmd "${pid_of[gc]}" GC.run >/dev/null 2>&1 || true
    done ) &
  full_gcs=$!
  drive "$port_gc" "${gc_minutes}m" 0 | tee "$work/gc-wrk.txt"
  wait "$full_gcs" 2>/dev/null || true
  curl -sf "http://127.0.0.1:$port_gc/geofence/status" >"$work/gc-status.json" || true
  stop_all
  # Heap after each collection, per minute: bounded if the last minutes are no higher than the first.
  echo "minute  collections  heap-after-GC min/max (MB)"
  awk '/Pause/ && /->/ {
         t = $1; gsub(/[\[\]s]/, "", t); m = int(t / 60)
         s = $0; sub(/.*->/, "", s); sub(/M.*/, "", s); a = s + 0
         n[m]++; if (!(m in lo) || a < lo[m]) lo[m] = a; if (a > hi[m]) hi[m] = a; if (m > last) last = m }
       END { for (i = 0; i <= last; i++) if (i in n) printf "%6d  %11d  %d/%d\n", i, n[i], lo[i], hi[i] }' "$gc_log"
  echo "live heap after each full collection (MB), one a minute:" \
    "$(awk '/Pause Full/ && /->/ { s = $0; sub(/.*->/, "", s); sub(/M.*/, "", s); printf "%s ", s }' "$gc_log")"
  echo "GC log: $gc_log; cache and counters at the end: $work/gc-status.json"
fi
