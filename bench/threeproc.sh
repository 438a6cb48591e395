#!/usr/bin/env bash
# Runs broker, service and load generator as three processes, so the
# service's RSS and CPU are its own. Every argument goes to the load generator
# (and to -write-config, which reads only the sizing flags from them).
#   bench/threeproc.sh -quests 50000 -riders 50000 -rate 6000 -out bench/runs/x
# SERVICE_ENV adds environment to the service, e.g. SERVICE_ENV="GOGC=200".
# IDLE_AFTER=N measures the service's CPU for N seconds after the load
# generator ends (its actors stay live, timers armed, no commands), starting
# IDLE_SKIP seconds (default 5) after it, and splits it between the Go
# runtime's threads and librdkafka's (rdk:*).
# SERVICE_SRC builds the service from another checkout (a before/after run
# with the same load generator), e.g. SERVICE_SRC=/tmp/before.
# GCTRACE=1 traces the service's collector: the report lines its cycles up
# with the latency, the chart shows its marks, and -out gets gctrace.txt.
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/setup.sh "$@"
service error &
svc=$!
"$bin/loadgen" -bootstrap 127.0.0.1:$port -pid $svc ${GCTRACE:+-gctrace "$cfg/gctrace.txt"} "$@"
# What the service read and wrote, by topic; its transactions; its timers'
# lateness from due to handling, by actor kind.
curl -s "http://127.0.0.1:$rest/metrics" | grep -E "^transitquest_(records_(consumed|produced)_total|transaction_(phase_)?seconds_(count|sum|bucket)|timer_lateness_seconds_(count|sum|bucket)|timer_prepared_cancelled_total)" || true
if [ -n "${IDLE_AFTER:-}" ]; then
	sleep "${IDLE_SKIP:-5}" # at least the last commits settle
	ticks() { awk '{print $14 + $15}' "/proc/$svc/stat"; }
	# Each thread's CPU ticks by thread name (Go's are named after the binary).
	threads() { for t in /proc/$svc/task/*; do echo "${t##*/} $(tr ' ' _ <"$t/comm") $(awk '{print $14 + $15}' "$t/stat")"; done | sort; }
	t0=$(ticks)
	threads >"$cfg/threads0"
	sleep "$IDLE_AFTER"
	t1=$(ticks)
	threads >"$cfg/threads1"
	hz=$(getconf CLK_TCK)
	pct() { awk -v d="$1" -v hz="$hz" -v s="$IDLE_AFTER" 'BEGIN{printf "%.2f%% of a core", 100*d/hz/s}'; }
	curl -s "http://127.0.0.1:$rest/metrics" | grep -E '^transitquest_(live|resting)_actors' || true
	echo "idle: service CPU over ${IDLE_AFTER}s from ${IDLE_SKIP:-5}s after the load: $(pct $((t1 - t0)))"
	join "$cfg/threads0" "$cfg/threads1" | awk '{g = ($2 ~ /^rdk:/) ? "librdkafka threads" : "Go threads"; d[g] += $5 - $3} END {for (k in d) print k, d[k]}' |
		while read -r a b n; do echo "idle:   $a $b $(pct "$n")"; done
	echo "idle: service RSS at the end: $(awk '/^VmRSS/{printf "%d MiB", $2/1024}' "/proc/$svc/status")"
fi
kill -TERM $svc
wait $svc
