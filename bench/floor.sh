#!/usr/bin/env bash
# Runs the floor as three processes, as bench/threeproc.sh runs the service:
# the embedded broker, the stand-in (cmd/floor -serve: the service's Kafka
# shape with nothing in between) and its driver. Every argument goes to
# both floor processes' flag sets where it belongs, e.g.
#   bench/floor.sh -rate 6000 -warmup 30s -duration 60s -out bench/runs/x
# STANDIN_CPUPROFILE=FILE writes the stand-in's CPU profile there (without SPLIT; it stops
# when the driver ends).
# SPLIT="3000 3000" runs one stand-in per rate instead, each with its own
# producer and groups (as the service runs one per subsystem), and their
# drivers at once; -out DIR then gets a folder per stand-in (standin0, …).
set -euo pipefail
cd "$(dirname "$0")/.."
port=${BROKER_PORT:-19092}
bin=$(mktemp -d)
stand="" broker=""
trap 'kill $stand $broker 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$bin"' EXIT
go build -o "$bin/loadgen" ./cmd/loadgen
go build -o "$bin/floor" ./cmd/floor
. bench/broker.sh
start_broker "$bin" "$port"
# The stand-in takes the shape flags only.
shape=() args=() out=""
while [ $# -gt 0 ]; do
	case "$1" in
	-fanout | -linger | -tag | -stages) shape+=("$1" "$2") && args+=("$1" "$2") && shift 2 ;;
	-out) out=$2 && args+=("$1" "$2") && shift 2 ;;
	*) args+=("$1") && shift ;;
	esac
done
serve() { # serve N: a stand-in; the tag names its topics and groups
	"$bin/floor" -serve -bootstrap 127.0.0.1:$port ${STANDIN_CPUPROFILE:+-cpuprofile "$STANDIN_CPUPROFILE"} \
		"${shape[@]}" "$@" 2>>"$bin/stand-in.log" &
	stand="$stand $!"
}
if [ -z "${SPLIT:-}" ]; then
	serve
	"$bin/floor" -bootstrap 127.0.0.1:$port -pid $stand "${args[@]}"
else
	i=0 drivers=""
	for rate in $SPLIT; do
		serve -tag split$i
		# The later flags win: each driver its own stand-in, rate and folder.
		"$bin/floor" -bootstrap 127.0.0.1:$port -pid $! "${args[@]}" -tag split$i -rate "$rate" \
			${out:+-out "$out/standin$i"} >"$bin/driver$i.txt" &
		drivers="$drivers $!"
		i=$((i + 1))
	done
	for d in $drivers; do wait "$d"; done
	cat "$bin"/driver*.txt
fi
kill -TERM $stand && wait $stand || true # a profile is written as its stand-in ends
