package schedule

import (
	"crypto/sha1"
	"encoding/binary"
	"time"

	"github.com/google/uuid"
)

// Trip is one departure of one route on one UTC day. Its four instants are
// strictly increasing and all fall inside that day (no trip crosses midnight).
type Trip struct {
	ID             uuid.UUID
	RouteID        uuid.UUID
	BoardingOpen   time.Time
	BoardingClosed time.Time
	Departure      time.Time
	Arrival        time.Time
}

// TripID is the deterministic id of the trip of routeID whose boarding opens
// at boardingOpen, so recomputing a day's schedule (or another replica doing
// it) names the same trips. It equals
//
//	uuid.NewSHA1(routeID, data)
//
// where data is 12 bytes: boardingOpen.Unix() as big-endian int64, then
// boardingOpen.Nanosecond() as big-endian uint32. It is computed here without
// heap allocation because NextTransition builds one per call.
func TripID(routeID uuid.UUID, boardingOpen time.Time) uuid.UUID {
	var buf [len(uuid.UUID{}) + tripIDDataLen]byte
	copy(buf[:], routeID[:])
	putTripIDData(buf[len(uuid.UUID{}):], boardingOpen)
	sum := sha1.Sum(buf[:])
	var id uuid.UUID
	copy(id[:], sum[:])
	id[6] = id[6]&0x0f | 0x50 // version 5 (name-based, SHA-1)
	id[8] = id[8]&0x3f | 0x80 // RFC 4122 variant
	return id
}

const tripIDDataLen = 12

// putTripIDData writes the name bytes hashed by TripID.
func putTripIDData(dst []byte, t time.Time) {
	binary.BigEndian.PutUint64(dst[0:8], uint64(t.Unix()))
	binary.BigEndian.PutUint32(dst[8:12], uint32(t.Nanosecond()))
}
