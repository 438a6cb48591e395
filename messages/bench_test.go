package messages_test

import (
	"encoding/json"
	"testing"

	"github.com/gamehost/transitquest/jsonbytes"
	"github.com/gamehost/transitquest/messages"
)

// BenchmarkDecodePartyQuestCommand decodes an UPDATE_STAGE_STATE with a few
// item counts and monster kills, the most frequent party-quest command.
func BenchmarkDecodePartyQuestCommand(b *testing.B) {
	in := []byte(`{"worldId":0,"characterId":1234,"type":"UPDATE_STAGE_STATE","body":{"instanceId":"a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d",` +
		`"itemCounts":{"4001007":10,"4001008":1,"4001022":3,"4001023":1},"monsterKills":{"9300000":3,"9300001":1}}}`)
	b.SetBytes(int64(len(in)))
	b.ReportAllocs()
	for b.Loop() {
		cmd, err := messages.DecodePartyQuestCommand(in)
		if err != nil || len(cmd.StageState.ItemCounts) != 4 {
			b.Fatalf("%+v %v", cmd, err)
		}
	}
}

// BenchmarkDecodeStartTransport decodes a ride's START, the transport
// command every rider sends.
func BenchmarkDecodeStartTransport(b *testing.B) {
	in := []byte(`{"transactionId":"5b0e7f0a-3d1c-4a55-9f21-0c6d2b8e4a17","worldId":0,"characterId":1234,"type":"START",` +
		`"body":{"routeId":"a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d","channelId":1}}`)
	b.SetBytes(int64(len(in)))
	b.ReportAllocs()
	for b.Loop() {
		cmd, err := messages.DecodeStartTransport(in)
		if err != nil || cmd.Body.ChannelID != 1 {
			b.Fatalf("%+v %v", cmd, err)
		}
	}
}

// BenchmarkEncodeChangeMap builds a CHANGE_MAP record and marshals its value,
// as the producer does for every warp.
func BenchmarkEncodeChangeMap(b *testing.B) {
	body := messages.ChangeMapBody{ChannelID: 1, MapID: 103000800, Instance: pqID, PortalID: 0}
	b.ReportAllocs()
	for b.Loop() {
		rec := messages.ChangeMap(0, 1234, body)
		out, err := json.Marshal(rec.Value)
		if err != nil || len(out) == 0 {
			b.Fatal(err)
		}
	}
}

// BenchmarkAppendChangeMap is BenchmarkEncodeChangeMap through the value's
// own AppendJSON, as the emitter encodes it.
func BenchmarkAppendChangeMap(b *testing.B) {
	body := messages.ChangeMapBody{ChannelID: 1, MapID: 103000800, Instance: pqID, PortalID: 0}
	b.ReportAllocs()
	for b.Loop() {
		rec := messages.ChangeMap(0, 1234, body)
		out, err := rec.Value.(jsonbytes.Appender).AppendJSON(make([]byte, 0, 192))
		if err != nil || len(out) == 0 {
			b.Fatal(err)
		}
	}
}
