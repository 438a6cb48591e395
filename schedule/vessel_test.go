package schedule

import (
	"errors"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestVesselValidate(t *testing.T) {
	valid := SharedVessel{ID: uuid.New(), Name: "ferry", RouteA: uuid.New(), RouteB: uuid.New(), Turnaround: time.Minute}
	require.NoError(t, valid.Validate())

	same := uuid.New()
	tests := []struct {
		name   string
		mutate func(*SharedVessel)
		want   error
		msg    string
	}{
		{"nil id", func(v *SharedVessel) { v.ID = uuid.Nil }, ErrVesselIDNil, "vessel ID must not be nil"},
		{"nil A", func(v *SharedVessel) { v.RouteA = uuid.Nil }, ErrRouteANil, "route A ID must not be nil"},
		{"nil B", func(v *SharedVessel) { v.RouteB = uuid.Nil }, ErrRouteBNil, "route B ID must not be nil"},
		{"zero turnaround (bruno example)", func(v *SharedVessel) { v.Turnaround = 0 }, ErrTurnaroundPositive, "turnaround delay must be positive"},
		{"same route twice", func(v *SharedVessel) { v.RouteA, v.RouteB = same, same }, ErrVesselSameRouteTwice, "route A and route B must be different routes"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			v := valid
			tc.mutate(&v)
			err := v.Validate()
			require.Error(t, err)
			assert.Equal(t, tc.msg, err.Error())
			assert.True(t, errors.Is(err, tc.want))
		})
	}

	err := SharedVessel{}.Validate()
	assert.Equal(t, "vessel ID must not be nil\nroute A ID must not be nil\nroute B ID must not be nil\nturnaround delay must be positive", err.Error())
}
