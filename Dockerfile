# syntax=docker/dockerfile:1
#
# transitquest image: a cgo build (confluent-kafka-go links its bundled,
# statically built librdkafka against glibc), run on the same Debian release
# as non-root. See deploy/README.md.
#
#   docker build -t transitquest .
#   docker run --rm -p 127.0.0.1:8080:8080 transitquest -embedded -demo

ARG GO_VERSION=1.26
ARG DEBIAN_RELEASE=bookworm

FROM golang:${GO_VERSION}-${DEBIAN_RELEASE} AS build
WORKDIR /src
ENV CGO_ENABLED=1 GOFLAGS=-buildvcs=false
COPY go.mod go.sum ./
RUN --mount=type=cache,target=/go/pkg/mod go mod download
COPY . .
RUN --mount=type=cache,target=/go/pkg/mod \
    --mount=type=cache,target=/root/.cache/go-build \
    go build -trimpath -ldflags="-s -w" -o /out/transitquest ./cmd/transitquest

FROM debian:${DEBIAN_RELEASE}-slim
# CA certificates for brokers and OTLP collectors behind TLS; nothing else:
# librdkafka and OpenSSL are linked into the binary.
RUN apt-get update \
    && apt-get install -y --no-install-recommends ca-certificates \
    && rm -rf /var/lib/apt/lists/*
COPY --from=build /out/transitquest /usr/local/bin/transitquest
# The sample configuration keeps its relative layout, so CONFIG_PATH's
# default with -embedded (config/samples/sample.json) and the sample's
# "../../partyquest/samples" both resolve from /app.
COPY config/samples /app/config/samples
COPY partyquest/samples /app/partyquest/samples
WORKDIR /app
USER 10001:10001
EXPOSE 8080
# Liveness for plain Docker and compose (Kubernetes uses its own probes).
# bash's /dev/tcp keeps curl out of the image.
HEALTHCHECK --interval=10s --timeout=3s --start-period=120s --retries=3 \
    CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/${REST_PORT:-8080} && printf 'GET /healthz HTTP/1.0\\r\\n\\r\\n' >&3 && head -n 1 <&3 | grep -q ' 200 '"]
ENTRYPOINT ["/usr/local/bin/transitquest"]
