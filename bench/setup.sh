# Sourced by the bench scripts, from the repository's root, with the load
# generator's arguments: builds the load generator and the service (from
# SERVICE_SRC when set) into $bin, writes the configuration those arguments
# size into $cfg, starts the load generator's broker on $port ($broker),
# and on exit stops it and the service ($svc) and removes both directories.
# SERVICE_BUILD_ENV adds environment to the service's build only, e.g.
# SERVICE_BUILD_ENV=GOEXPERIMENT=nogreenteagc.
# `service LEVEL` runs the service in the foreground with that log level:
# start it with `service error &`, and $! is the service itself.
# GCTRACE=1 runs it with GODEBUG=gctrace=1 and its standard error in
# $cfg/gctrace.txt, after a first line "start UNIXSECONDS" (loadgen -gctrace).
port=${BROKER_PORT:-19092}
rest=${REST_PORT:-18080}
bin=$(mktemp -d)
cfg=$(mktemp -d)
svc="" broker=""
trap 'kill $svc $broker 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$bin" "$cfg"' EXIT
go build -o "$bin/loadgen" ./cmd/loadgen
(cd "${SERVICE_SRC:-.}" && env ${SERVICE_BUILD_ENV:-} go build -o "$bin/transitquest" ./cmd/transitquest)
"$bin/loadgen" -write-config "$cfg" "$@" >/dev/null
. bench/broker.sh
start_broker "$bin" "$port"

service() {
	if [ -n "${GCTRACE:-}" ]; then
		echo "start $(date +%s.%N)" >"$cfg/gctrace.txt"
		exec 2>>"$cfg/gctrace.txt"
		export GODEBUG=gctrace=1
	fi
	exec env BOOTSTRAP_SERVERS=127.0.0.1:$port CONFIG_PATH=$cfg/config.json REST_PORT=$rest \
		LOG_LEVEL="$1" ${SERVICE_ENV:-} "$bin/transitquest"
}
