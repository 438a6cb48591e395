#!/usr/bin/env bash
# A crash and a restore, as three processes: broker, service, load generator.
# The load generator creates what its arguments say (default: 100,000 idle
# quest instances), then the service is SIGKILLed and a new process restores
# them from the changelog. Every half second until 60 s after the restore it
# records the instance gauges, the new process's CPU and its RSS.
#   bench/restart.sh -out bench/runs/x [loadgen sizing flags]
# SERVICE_ENV adds environment to both service processes; SERVICE_SRC builds
# the service from another checkout (a before/after pair); EXPECT is the
# number of quest instances that counts as restored (default 100000).
set -euo pipefail
cd "$(dirname "$0")/.."
out=""
args=()
while [ $# -gt 0 ]; do
	case $1 in
	-out) out=$2; shift 2 ;;
	*) args+=("$1"); shift ;;
	esac
done
[ -n "$out" ] || { echo "usage: $0 -out DIR [loadgen flags]" >&2; exit 2; }
[ ${#args[@]} -gt 0 ] || args=(-tenants 4 -routes 0 -quests 100000 -riders 0 -rate 5000 -ramp 20s -duration 20s -warmup 30s -baseline=false)
mkdir -p "$out"
. bench/setup.sh "${args[@]}"
service error >"$out/service1.log" 2>&1 &
svc=$!
"$bin/loadgen" -bootstrap 127.0.0.1:$port -pid $svc "${args[@]}" >"$out/load.txt" 2>&1
sleep 5 # the last commits settle
kill -9 $svc
wait $svc 2>/dev/null || true
start=$(date +%s.%N)
service info >"$out/service2.log" 2>&1 &
svc=$!
hz=$(getconf CLK_TCK)
restored=""
for _ in $(seq 600); do
	sleep 0.5
	m=$(curl -s "http://127.0.0.1:$rest/metrics" || true)
	live=$(awk '/^transitquest_live_actors\{kind="quest-instance"\}/{print $2}' <<<"$m")
	resting=$(awk '/^transitquest_resting_actors\{kind="quest-instance"\}/{print $2}' <<<"$m")
	at=$(awk -v s="$start" -v t="$(date +%s.%N)" 'BEGIN{printf "%.1f", t-s}')
	cpu=$(awk -v hz="$hz" '{printf "%.1f", ($14+$15)/hz}' "/proc/$svc/stat")
	rss=$(awk '/^VmRSS/{printf "%d", $2/1024}' "/proc/$svc/status")
	line="$at s: quest instances live ${live:-0}, resting ${resting:-0}; CPU ${cpu} s; RSS ${rss} MiB"
	echo "$line" >>"$out/timeline.txt"
	if [ -z "$restored" ] && [ "$(awk -v a="${live:-0}" -v b="${resting:-0}" 'BEGIN{print a+b}')" = "${EXPECT:-100000}" ]; then
		restored=$at
		echo "restored: $line" >>"$out/summary.txt"
	fi
	if [ -n "$restored" ] && awk -v a="$at" -v r="$restored" 'BEGIN{exit !(a >= r + 60)}'; then
		break
	fi
done
echo "60 s later: $(tail -1 "$out/timeline.txt")" >>"$out/summary.txt"
echo "peak RSS (VmHWM): $(awk '/^VmHWM/{printf "%d MiB", $2/1024}' "/proc/$svc/status")" >>"$out/summary.txt"
cat "$out/summary.txt"
