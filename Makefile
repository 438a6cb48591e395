# The service needs cgo (librdkafka is linked statically by confluent-kafka-go).
export CGO_ENABLED := 1
GO ?= go

.PHONY: run test test-mock bench lint build fuzz chaos chaos-smoke

## run: the service + an embedded Kafka-protocol broker + sample data and traffic
run:
	$(GO) run ./cmd/transitquest -embedded -demo

# Extra go test flags (.ci/run passes -json to count the cases).
GOTESTFLAGS ?=
# The packages whose tests talk to a broker.
KAFKA_PACKAGES := ./kafka/... ./service/ ./rest/ ./metrics/ ./tracing/ ./actors/quest/ ./actors/transport/

## test: every test, with the race detector, on the embedded kfake broker
test:
	KAFKA_TEST_BROKER=kfake $(GO) test -race -count=1 -timeout 30m $(GOTESTFLAGS) ./...

## test-mock: the Kafka-facing tests on librdkafka's mock cluster (at least once; exactly-once cases skip by name)
test-mock:
	KAFKA_TEST_BROKER=mock $(GO) test -race -count=1 -timeout 20m $(GOTESTFLAGS) $(KAFKA_PACKAGES)

## bench: every Go benchmark, a short load-generator run, and a short run of the floor under the service
## (broker, stand-in, driver; see bench/RESULTS.md for full runs)
bench:
	$(GO) test -run '^$$' -bench . -benchmem ./...
	$(GO) run ./cmd/loadgen -quests 1000 -riders 1000 -duration 15s
	bench/floor.sh -rate 1000 -warmup 5s -duration 15s

# Flags for make chaos, e.g. CHAOS_FLAGS="-replicas 1 -kill-every 0 -duration 1m".
CHAOS_FLAGS ?=

## chaos: 3 service processes on a kfake broker process, load through the contract topics, a SIGKILL
## every 20 s for 5 minutes, then the audit of every output topic (report in bench/runs/chaos-*; exit 1 on failure)
chaos:
	$(GO) run ./cmd/chaos $(CHAOS_FLAGS)

## chaos-smoke: the short chaos run (3 replicas, 45 s, one kill) as a Go test
chaos-smoke:
	CHAOS_SMOKE=1 $(GO) test -race -count=1 -timeout 10m -run TestChaosSmoke -v ./chaos/

## lint: go vet and a gofmt check
lint:
	$(GO) vet ./...
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi

## build: the service binary in bin/
build:
	$(GO) build -o bin/transitquest ./cmd/transitquest

## fuzz: run each decoder fuzzer for a short while
fuzz:
	for f in FuzzDecodeStartTransport FuzzDecodeCharacterStatus FuzzDecodeChannelStatus FuzzDecodeMapStatus FuzzDecodePartyQuestCommand; do \
		$(GO) test -run '^$$' -fuzz "^$$f$$" -fuzztime 20s ./messages/ || exit 1; done
	for f in FuzzTenantFromHeaders FuzzTraceFromHeaders; do \
		$(GO) test -run '^$$' -fuzz "^$$f$$" -fuzztime 20s ./kafka/ || exit 1; done
