# Sourced by the bench scripts. start_broker BIN PORT starts the load
# generator's embedded broker (BIN/loadgen -broker) on 127.0.0.1:PORT, sets
# $broker to its process id and returns once it listens: a first dial must
# not race the broker's listen (it did: "connection refused" once in a
# series of runs).
start_broker() {
	"$1/loadgen" -broker "$2" >/dev/null &
	broker=$!
	for _ in $(seq 200); do
		(: >"/dev/tcp/127.0.0.1/$2") 2>/dev/null && return 0
		sleep 0.05
	done
}
