package route

import (
	"testing"

	"github.com/gamehost/transitquest/messages"
	"github.com/gamehost/transitquest/schedule"
	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
)

func TestLogoutWarp(t *testing.T) {
	routes := []schedule.Route{orbisEllinia, elliniaOrbis, trainOrbisLudi}
	home := func(world byte, character uint32, channel byte, start uint32) messages.Record {
		return messages.ChangeMap(world, character, messages.ChangeMapBody{ChannelID: channel, MapID: start, Instance: uuid.Nil, PortalID: 0})
	}

	cases := []struct {
		name  string
		mapID uint32
		start uint32
		ok    bool
	}{
		{"staging", 200000112, 200000111, true},
		{"first en-route map", 200090000, 200000111, true},
		{"cabin", 200090011, 101000300, true},
		{"train", 200090100, 200000121, true},
		{"start map", 200000111, 0, false},
		{"destination map", 200000100, 0, false},
		{"unrelated", 100000000, 0, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rec, ok := LogoutWarp(routes, 2, 4242, 7, c.mapID)
			assert.Equal(t, c.ok, ok)
			if !ok {
				assert.Equal(t, messages.Record{}, rec)
				return
			}
			assert.Equal(t, home(2, 4242, 7, c.start), rec)
			assert.Equal(t, messages.CommandTopicCharacter, rec.Topic)
			assert.Equal(t, messages.IntKey(4242), rec.Key)
		})
	}

	// Two routes sharing a staging map: the first in slice order wins.
	other := trainOrbisLudi
	other.StagingMapID = orbisEllinia.StagingMapID
	rec, ok := LogoutWarp([]schedule.Route{other, orbisEllinia}, 0, 1, 1, orbisEllinia.StagingMapID)
	assert.True(t, ok)
	assert.Equal(t, home(0, 1, 1, other.StartMapID), rec)

	_, ok = LogoutWarp(nil, 0, 1, 1, 200000112)
	assert.False(t, ok)
}
