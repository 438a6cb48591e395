package messages

import "fmt"

// Reason classifies why an input was rejected. Reasons are metric labels and
// dead-letter headers, so the set is small and stable.
type Reason string

// Rejection reasons used across the service.
const (
	ReasonBadJSON       Reason = "bad_json"
	ReasonUnknownType   Reason = "unknown_type"
	ReasonMissingField  Reason = "missing_field"
	ReasonBadBody       Reason = "bad_body"
	ReasonOversized     Reason = "oversized"
	ReasonBadTenant     Reason = "bad_tenant"
	ReasonUnknownTopic  Reason = "unknown_topic"
	ReasonUnknownTarget Reason = "unknown_target" // route, instance or quest not found
	ReasonWrongState    Reason = "wrong_state"
	ReasonNotMember     Reason = "not_participant"
	ReasonConflict      Reason = "conflict"
	ReasonLookupFailed  Reason = "lookup_failed" // a parties/guilds lookup failed (not a not-found)
	ReasonPanic         Reason = "panic"
)

// Rejection is an input the service refuses, with a reason and a detail for the log.
type Rejection struct {
	Reason Reason
	Detail string
}

// Error implements error.
func (r *Rejection) Error() string { return string(r.Reason) + ": " + r.Detail }

// Reject builds a *Rejection.
func Reject(reason Reason, format string, args ...any) *Rejection {
	return &Rejection{Reason: reason, Detail: fmt.Sprintf(format, args...)}
}
