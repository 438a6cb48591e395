package schedule

import (
	"time"

	"github.com/google/uuid"
)

// testDay is an arbitrary UTC midnight used by the fixed-value tests.
var testDay = time.Date(2026, 3, 14, 0, 0, 0, 0, time.UTC)

// at is testDay plus a clock time.
func at(h, m, s int) time.Time {
	return testDay.Add(time.Duration(h)*time.Hour + time.Duration(m)*time.Minute + time.Duration(s)*time.Second)
}

// minutesRoute is a valid route with W/P/T/C in minutes and an id derived
// from its name, like the reference's seed files.
func minutesRoute(name string, w, p, t, c int) Route {
	return Route{
		ID:               uuid.NewSHA1(uuid.NameSpaceOID, []byte(name)),
		Name:             name,
		StartMapID:       200000111,
		StagingMapID:     200000112,
		EnRouteMapIDs:    []uint32{200090000, 200090001},
		DestinationMapID: 101000300,
		ObservationMapID: 200000111,
		BoardingWindow:   time.Duration(w) * time.Minute,
		PreDeparture:     time.Duration(p) * time.Minute,
		Travel:           time.Duration(t) * time.Minute,
		CycleInterval:    time.Duration(c) * time.Minute,
	}
}
