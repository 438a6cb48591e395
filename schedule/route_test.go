package schedule

import (
	"errors"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRouteValidate(t *testing.T) {
	valid := minutesRoute("boat", 4, 1, 10, 15)
	require.NoError(t, valid.Validate())

	tests := []struct {
		name   string
		mutate func(*Route)
		want   []error
		msg    string
	}{
		{"nil id", func(r *Route) { r.ID = uuid.Nil }, []error{ErrRouteIDNil}, "route ID must not be nil"},
		{"empty name", func(r *Route) { r.Name = "" }, []error{ErrRouteNameEmpty}, "route name must not be empty"},
		{"no en-route maps", func(r *Route) { r.EnRouteMapIDs = nil }, []error{ErrNoEnRouteMaps}, "at least one en-route map ID is required"},
		{"zero window", func(r *Route) { r.BoardingWindow = 0 }, []error{ErrBoardingWindowPositive}, "boarding window duration must be positive"},
		{"zero pre-departure", func(r *Route) { r.PreDeparture = 0 }, []error{ErrPreDeparturePositive}, "pre-departure duration must be positive"},
		{"negative travel", func(r *Route) { r.Travel = -time.Minute }, []error{ErrTravelPositive}, "travel duration must be positive"},
		{"zero cycle", func(r *Route) { r.CycleInterval = 0 }, []error{ErrCycleIntervalPositive}, "cycle interval must be positive"},
		{
			"everything wrong, all reported in order",
			func(r *Route) { *r = Route{} },
			[]error{ErrRouteIDNil, ErrRouteNameEmpty, ErrNoEnRouteMaps, ErrBoardingWindowPositive, ErrPreDeparturePositive, ErrTravelPositive, ErrCycleIntervalPositive},
			"route ID must not be nil\nroute name must not be empty\nat least one en-route map ID is required\n" +
				"boarding window duration must be positive\npre-departure duration must be positive\n" +
				"travel duration must be positive\ncycle interval must be positive",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := valid.clone()
			tc.mutate(&r)
			err := r.Validate()
			require.Error(t, err)
			assert.Equal(t, tc.msg, err.Error())
			for _, w := range tc.want {
				assert.True(t, errors.Is(err, w), "want %v", w)
			}
		})
	}
}

func TestRouteValidateAllowsZeroMapIDs(t *testing.T) {
	r := minutesRoute("ferry", 4, 1, 15, 40)
	r.ObservationMapID, r.StartMapID, r.EnRouteMapIDs = 0, 0, []uint32{0}
	assert.NoError(t, r.Validate())
}

func TestTripLengthSaturates(t *testing.T) {
	r := minutesRoute("huge", 1, 1, 1, 1)
	r.Travel = maxDuration
	assert.Equal(t, maxDuration, r.TripLength())
	assert.Equal(t, 15*time.Minute, minutesRoute("boat", 4, 1, 10, 15).TripLength())
}
