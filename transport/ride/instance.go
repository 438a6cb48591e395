package ride

import (
	"slices"
	"strconv"
	"time"

	"github.com/google/uuid"

	"github.com/gamehost/transitquest/jsonbytes"
)

// Phase is the lifecycle phase of an instance.
type Phase string

// Phases of an instance. Arrival, stuck and release are not phases: they
// remove the instance.
const (
	PhaseBoarding  Phase = "boarding"   // joinable until BoardingUntil while it has room
	PhaseInTransit Phase = "in_transit" // closed; waiting for ArrivalAt
)

// Rider is one boarded character and where its START came from; arrival and
// stuck warps go to the rider's own world and channel.
type Rider struct {
	CharacterID uint32 `json:"characterId"`
	WorldID     byte   `json:"worldId"`
	ChannelID   byte   `json:"channelId"`
}

// Instance is one ride: a group of riders sharing one transit-map instance.
// Its deadlines are fixed at creation, so later joiners wait less.
type Instance struct {
	ID            uuid.UUID `json:"id"`
	Riders        []Rider   `json:"riders"` // in boarding order
	BoardingUntil time.Time `json:"boardingUntil"`
	ArrivalAt     time.Time `json:"arrivalAt"`
	CreatedAt     time.Time `json:"createdAt"`
	Phase         Phase     `json:"phase"`
}

// AppendJSON appends the instance as encoding/json writes it (its changelog
// record is written at every boarding; see jsonbytes.Appender).
func (in Instance) AppendJSON(b []byte) ([]byte, error) {
	b = append(b, `{"id":`...)
	b = jsonbytes.AppendQuotedUUID(b, in.ID)
	b = append(b, `,"riders":`...)
	b = jsonbytes.AppendArray(b, in.Riders, func(b []byte, r Rider) []byte {
		b = append(b, `{"characterId":`...)
		b = strconv.AppendUint(b, uint64(r.CharacterID), 10)
		b = append(b, `,"worldId":`...)
		b = strconv.AppendUint(b, uint64(r.WorldID), 10)
		b = append(b, `,"channelId":`...)
		b = strconv.AppendUint(b, uint64(r.ChannelID), 10)
		return append(b, '}')
	})
	var err error
	for _, f := range []struct {
		prefix string
		t      time.Time
	}{{`,"boardingUntil":`, in.BoardingUntil}, {`,"arrivalAt":`, in.ArrivalAt}, {`,"createdAt":`, in.CreatedAt}} {
		b = append(b, f.prefix...)
		if b, err = jsonbytes.AppendTime(b, f.t); err != nil {
			return b, err
		}
	}
	b = append(b, `,"phase":`...)
	return append(jsonbytes.AppendString(b, string(in.Phase)), '}'), nil
}

// clone returns a copy that shares no memory with in.
func (in Instance) clone() Instance {
	in.Riders = slices.Clone(in.Riders)
	return in
}

// State is the whole state of a Machine: its live instances in creation
// order. It round-trips through encoding/json; Restore rebuilds a Machine
// from it.
type State struct {
	Instances []Instance `json:"instances"`
}

// instance is an Instance plus the positions that index it. None of these
// fields is state: Restore derives all of them from the order of State.
type instance struct {
	Instance
	seq        uint64    // creation order, the join-oldest key
	due        time.Time // earliest pending deadline, the deadline-queue key
	duePos     int       // index in Machine.deadlines, -1 when absent
	vacantPos  int       // index in Machine.vacant, -1 when absent
	prev, next *instance // creation-order list

	// Change tracking for TakeChanges; not state either.
	pending  bool // listed in Machine.pending
	fresh    bool // created (or restored) since the last TakeChanges
	released bool // no longer live
}

// hasRoom reports whether one more rider fits.
func (in *instance) hasRoom(capacity uint32) bool {
	return uint64(len(in.Riders)) < uint64(capacity)
}

// riderIndex finds a rider. Linear, but bounded by the route's capacity.
func (in *instance) riderIndex(character uint32) int {
	for i := range in.Riders {
		if in.Riders[i].CharacterID == character {
			return i
		}
	}
	return -1
}
