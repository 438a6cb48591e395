package route

import (
	"github.com/gamehost/transitquest/messages"
	"github.com/gamehost/transitquest/schedule"
)

// Sweep asks the route's owner to warp everyone in the
// nil-instance copy of the From maps, on every active channel, to map To on
// the same world and channel (nil instance, portal Portal).
type Sweep struct {
	From   []uint32
	To     uint32
	Portal uint32
}

// Effect is what one transition emits. The actor produces the Sweep's warps
// FIRST, then Records, in one transaction: at departure everyone in the
// staging map is put on board before DEPARTED is announced, as the reference
// buffered them.
//
//	BoardingOpened that docks the vessel: Records [ARRIVED]
//	Departed: Sweep staging → en-route[0], Records [DEPARTED]
//	Arrived:  Sweep en-route maps → destination (every arrival); plus
//	          Records [ARRIVED] when the arrival reveals a trip whose
//	          boarding opened while this one was in transit
//
// The start-up ARRIVED of New carries a synthetic Transition: Kind
// BoardingOpened, At = the start-up instant, Trip = the docked trip,
// From = To = the state then.
type Effect struct {
	Transition schedule.Transition
	Records    []messages.Record
	Sweep      *Sweep
}

// empty reports whether the effect emits nothing.
func (e *Effect) empty() bool { return len(e.Records) == 0 && e.Sweep == nil }
