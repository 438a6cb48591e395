#!/usr/bin/env bash
# Runs the floor as three processes, as bench/threeproc.sh runs the service:
# the embedded broker, the stand-in (cmd/floor -serve: the service's Kafka
# shape with nothing in between) and its driver. Every argument goes to
# both floor processes' flag sets where it belongs, e.g.
#   bench/floor.sh -rate 6000 -warmup 30s -duration 60s -out bench/runs/x
# STANDIN_CPUPROFILE=FILE writes the stand-in's CPU profile there (it stops
# when the driver ends).
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
shape=() args=()
while [ $# -gt 0 ]; do
	case "$1" in
	-fanout | -linger | -tag | -stages) shape+=("$1" "$2") && args+=("$1" "$2") && shift 2 ;;
	*) args+=("$1") && shift ;;
	esac
done
"$bin/floor" -serve -bootstrap 127.0.0.1:$port ${STANDIN_CPUPROFILE:+-cpuprofile "$STANDIN_CPUPROFILE"} "${shape[@]}" 2>"$bin/stand-in.log" &
stand=$!
"$bin/floor" -bootstrap 127.0.0.1:$port -pid $stand "${args[@]}"
kill -TERM $stand && wait $stand || true # its profile is written as it ends
