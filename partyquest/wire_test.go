package partyquest

import (
	"encoding/json"
	"testing"

	"github.com/gamehost/transitquest/messages"
	"github.com/gamehost/transitquest/partyquest/definition"
	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
)

func TestInstanceLockUsesFieldInstances(t *testing.T) {
	def := testDef()
	def.FieldLock = definition.FieldLockInstance
	m := newActive(t, def) // stepRandom: stage i's field instance is fieldUUID(i+1)
	accept(t, m, update(alice.ID, map[uint32]uint32{4001: 2}, nil), t0)
	accept(t, m, cmd("STAGE_CLEAR_ATTEMPT", alice.ID), t0)
	recs := accept(t, m, cmd("STAGE_ADVANCE", alice.ID), t0)
	require.Equal(t, []messages.Record{
		warp(alice, 200, fieldUUID(2)),
		warp(bob, 200, fieldUUID(2)),
		tev("STAGE_ADVANCED", stage(1, 200, 201)),
	}, recs)

	accept(t, m, update(alice.ID, nil, map[uint32]uint32{9300: 3}), t0)
	recs = accept(t, m, cmd("STAGE_CLEAR_ATTEMPT", alice.ID), t0)
	require.Equal(t, []messages.Record{tev("STAGE_CLEARED", messages.StageClearedBody{
		StageIndex: 1, ChannelID: 2, MapIDs: []uint32{200, 201},
		FieldInstances: []uuid.UUID{fieldUUID(2), fieldUUID(2)}, // aligned with mapIds
	})}, recs)

	recs = accept(t, m, cmd("FORFEIT", alice.ID), t0)
	require.Equal(t, warp(alice, 900, uuid.Nil), recs[1], "the exit map is a shared field")
}

func TestWarpTypeNoneEntersWithoutWarping(t *testing.T) {
	def := testDef()
	def.Stages[0].WarpType = definition.WarpNone
	m, recs := New(instID, &def, Registration{WorldID: 1, ChannelID: 2, Characters: []Character{alice}}, &stepRandom{}, t0)
	require.Equal(t, StateActive, m.Phase())
	require.Equal(t, []messages.Record{
		tev("INSTANCE_CREATED", messages.InstanceCreatedBody{ChannelID: 2}),
		tev("STARTED", stage(0, 100)),
	}, recs)
}

// The JSON the producer writes, byte for byte, for the shapes consumers parse.
func TestWireJSON(t *testing.T) {
	def := testDef()
	def.Stages[0].MapIDs = nil // only an unvalidated definition can do this
	m, recs := New(instID, &def, Registration{WorldID: 1, ChannelID: 2, PartyID: 7, Characters: []Character{alice}}, &stepRandom{}, t0)
	require.Len(t, recs, 2, "no map, no warp")
	b, err := json.Marshal(recs[1].Value)
	require.NoError(t, err)
	require.JSONEq(t, `{"worldId":1,"instanceId":"`+instID.String()+`","questId":"test_pq","type":"STARTED","body":{"stageIndex":0,"mapIds":[]}}`, string(b))
	require.Contains(t, string(b), `"mapIds":[]`)

	accept(t, m, update(alice.ID, map[uint32]uint32{4001: 2}, nil), t0)
	recs = accept(t, m, cmd("STAGE_CLEAR_ATTEMPT", alice.ID), t0)
	b, _ = json.Marshal(recs[0].Value)
	require.Contains(t, string(b), `"body":{"stageIndex":0,"channelId":2,"mapIds":[],"fieldInstances":[]}`)

	recs = accept(t, m, cmd("FORFEIT", alice.ID), t0)
	require.Equal(t, []byte{101, 0, 0, 0, 0, 0, 0, 0}, recs[1].Key)
	b, _ = json.Marshal(recs[1].Value)
	require.JSONEq(t, `{"worldId":1,"characterId":101,"type":"CHANGE_MAP","body":{"channelId":2,"mapId":900,"instance":"00000000-0000-0000-0000-000000000000","portalId":0}}`, string(b))
	b, _ = json.Marshal(recs[2].Value)
	require.Contains(t, string(b), `"type":"INSTANCE_DESTROYED","body":{}`)
}
