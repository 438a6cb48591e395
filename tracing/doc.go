// Package tracing is the service's OpenTelemetry setup and the two places it
// takes part in a trace: handling a consumed record (a consumer span, child
// of the record's traceparent header) and calling another service over HTTP
// (a client span, child of the operation that makes the call).
//
// Tracing is configured by the standard OTEL_* environment variables and is
// off unless they ask for an exporter. While it is off every helper is a
// single atomic load: the trace context passes through unchanged, so records
// caused by a traced input still carry the input's trace. While it is on,
// the context handed on names this service's span as the parent, and the
// trace id never changes.
//
// The package deals in plain W3C header values (Context) rather than in
// kafka.Trace so that package kafka can import it; the two struct types have
// the same fields and convert directly: tracing.Context(tr), kafka.Trace(tc).
package tracing
