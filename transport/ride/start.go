package ride

import (
	"errors"
	"time"

	"github.com/gamehost/transitquest/messages"
	"github.com/google/uuid"
)

// Boarding tells the caller where a START put the character.
type Boarding struct {
	InstanceID    uuid.UUID // the instance the character rides
	Created       bool      // the instance was created by this START
	AlreadyRiding bool      // redelivery: nothing changed, nothing emitted
}

// ErrNilInstanceID means the injected id generator returned uuid.Nil; a nil
// instance id would make CHARACTER_EXIT from any non-instanced map look like
// leaving the ride.
var ErrNilInstanceID = errors.New("instance id generator returned the nil UUID")

// Start boards a character: it joins the oldest instance that is boarding,
// has room and has now < BoardingUntil, or else creates one (BoardingUntil =
// now + window, ArrivalAt = BoardingUntil + travel). It emits CHANGE_MAP to the
// transit map instance (portal 0, the command's world and channel), then
// STARTED.
//
// A character that already rides this route is a redelivered command: Start
// returns AlreadyRiding with no records and no error. Riding another route
// is the caller's concern (its tenant-wide directory). Start refuses with a
// *messages.Rejection a zero character, an invalid route, and any call after
// Shutdown.
//
// Start never applies deadlines itself (only Tick does): an instance whose
// boarding window has passed is skipped even if Tick has not closed it yet.
func (m *Machine) Start(world byte, character uint32, channel byte, now time.Time) (Boarding, []messages.Record, error) {
	switch {
	case m.closed:
		return Boarding{}, nil, messages.Reject(messages.ReasonWrongState, "route %s is shutting down", m.route.ID)
	case m.invalid != nil:
		return Boarding{}, nil, messages.Reject(messages.ReasonUnknownTarget, "route %s is not usable: %v", m.route.ID, m.invalid)
	case character == 0:
		return Boarding{}, nil, messages.Reject(messages.ReasonMissingField, "characterId is missing or zero")
	}
	if in, ok := m.riding[character]; ok {
		return Boarding{InstanceID: in.ID, AlreadyRiding: true}, nil, nil
	}

	rider := Rider{CharacterID: character, WorldID: world, ChannelID: channel}
	in := m.joinable(now)
	created := in == nil
	if created {
		var err error
		if in, err = m.create(rider, now); err != nil {
			return Boarding{}, nil, err
		}
	} else {
		in.Riders = append(in.Riders, rider)
		m.riding[character] = in
		m.updateVacancy(in)
		m.touch(in)
	}

	out := []messages.Record{
		warp(rider, m.route.TransitMapID, in.ID),
		m.rideEvent(world, character, messages.TypeStarted, in.ID),
	}
	return Boarding{InstanceID: in.ID, Created: created}, out, nil
}

// joinable returns the oldest instance a START may join at now, or nil.
// Vacant instances whose window has passed are set aside and put back, not
// dropped: closing them is Tick's job, and doing it here would make the
// machine's state depend on which call happened to come first.
func (m *Machine) joinable(now time.Time) *instance {
	var expired []*instance
	defer func() {
		for _, in := range expired {
			m.vacant.add(in)
		}
	}()
	for in := m.vacant.peek(); in != nil; in = m.vacant.peek() {
		if now.Before(in.BoardingUntil) && in.hasRoom(m.route.Capacity) {
			return in
		}
		expired = append(expired, m.vacant.pop())
	}
	return nil
}

// create opens a new instance with its first rider.
func (m *Machine) create(first Rider, now time.Time) (*instance, error) {
	id := m.newID()
	if id == uuid.Nil {
		return nil, ErrNilInstanceID
	}
	now = utc(now)
	until := now.Add(m.route.BoardingWindow)
	riders := make([]Rider, 1, min(m.route.Capacity, 64)) // exact fit for usual group sizes
	riders[0] = first
	in := &instance{Instance: Instance{
		ID:            id,
		Riders:        riders,
		BoardingUntil: until,
		ArrivalAt:     until.Add(m.route.Travel),
		CreatedAt:     now,
		Phase:         PhaseBoarding,
	}}
	m.link(in)
	return in, nil
}
