package ride

import (
	"math"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
)

func TestRouteValidate(t *testing.T) {
	cases := []struct {
		name   string
		edit   func(*Route)
		errMsg string
	}{
		{"valid", func(*Route) {}, ""},
		{"nil id", func(r *Route) { r.ID = uuid.Nil }, "route id must not be nil"},
		{"empty name", func(r *Route) { r.Name = "" }, "route name must not be empty"},
		{"zero capacity", func(r *Route) { r.Capacity = 0 }, "capacity must be greater than zero"},
		{"zero window", func(r *Route) { r.BoardingWindow = 0 }, "boarding window must be positive"},
		{"negative window", func(r *Route) { r.BoardingWindow = -time.Second }, "boarding window must be positive"},
		{"zero travel", func(r *Route) { r.Travel = 0 }, "travel duration must be positive"},
		{"overflowing lifetime", func(r *Route) { r.Travel = math.MaxInt64 / 2 }, "boarding window plus travel duration is too long"},
		{"map id 0 is a real map", func(r *Route) { r.StartMapID = 0 }, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := testRoute()
			c.edit(&r)
			err := r.Validate()
			if c.errMsg == "" {
				assert.NoError(t, err)
				assert.Positive(t, r.MaxLifetime())
			} else {
				assert.EqualError(t, err, c.errMsg)
			}
		})
	}
}

func TestRouteMaxLifetime(t *testing.T) {
	assert.Equal(t, 6*time.Minute, testRoute().MaxLifetime()) // 2 × (1m + 2m)
}
