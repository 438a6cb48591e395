package messages_test

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gamehost/transitquest/messages"
)

// rejectCase is one hostile input and the reason its decoder must give.
type rejectCase struct {
	name   string
	in     string
	reason messages.Reason
}

type obj = map[string]any

// mutate decodes a golden file, applies change and re-encodes it. Use
// json.Number or json.RawMessage to put exact literals in.
func mutate(tb testing.TB, file string, change func(m obj)) string {
	tb.Helper()
	d := json.NewDecoder(bytes.NewReader(golden(tb, file)))
	d.UseNumber()
	var m obj
	if err := d.Decode(&m); err != nil {
		tb.Fatalf("%s: %v", file, err)
	}
	change(m)
	b, err := json.Marshal(m)
	if err != nil {
		tb.Fatalf("%s: %v", file, err)
	}
	return string(b)
}

// body returns the body object of m.
func body(m obj) obj { return m["body"].(obj) }

func num(s string) json.Number { return json.Number(s) }

// envelopeRejects are the hostile inputs every decoder must refuse the same
// way, built around one of its valid golden files.
func envelopeRejects(tb testing.TB, file, otherTopicType string) []rejectCase {
	valid := string(bytes.TrimSpace(golden(tb, file)))
	set := func(k string, v any) string { return mutate(tb, file, func(m obj) { m[k] = v }) }
	return []rejectCase{
		{"empty input", "", messages.ReasonBadJSON},
		{"white space only", " \n\t ", messages.ReasonBadJSON},
		{"not JSON", "hello", messages.ReasonBadJSON},
		{"truncated at half", valid[:len(valid)/2], messages.ReasonBadJSON},
		{"truncated last brace", valid[:len(valid)-1], messages.ReasonBadJSON},
		{"unterminated string", `{"type":"`, messages.ReasonBadJSON},
		{"trailing garbage", valid + "x", messages.ReasonBadJSON},
		{"two objects", valid + valid, messages.ReasonBadJSON},
		{"JSON array", "[]", messages.ReasonBadJSON},
		{"array holding the record", "[" + valid + "]", messages.ReasonBadJSON},
		{"JSON number", "42", messages.ReasonBadJSON},
		{"JSON string", `"START"`, messages.ReasonBadJSON},
		{"JSON true", "true", messages.ReasonBadJSON},
		{"JSON null", "null", messages.ReasonBadJSON},
		{"padded JSON null", "  null\n", messages.ReasonBadJSON},
		{"invalid UTF-8 outside strings", "{\xff}", messages.ReasonBadJSON},
		{"type is a number", set("type", 5), messages.ReasonBadJSON},
		{"type is an object", set("type", obj{}), messages.ReasonBadJSON},
		{"empty object", "{}", messages.ReasonMissingField},
		{"missing type", mutate(tb, file, func(m obj) { delete(m, "type") }), messages.ReasonMissingField},
		{"empty type", set("type", ""), messages.ReasonMissingField},
		{"null type", set("type", nil), messages.ReasonMissingField},
		{"unknown type", set("type", "BOGUS"), messages.ReasonUnknownType},
		{"type of another topic", set("type", otherTopicType), messages.ReasonUnknownType},
		{"lower-case type", set("type", "login_or_start"), messages.ReasonUnknownType},
		{"type with a space", set("type", " START"), messages.ReasonUnknownType},
		{"duplicate type, last unknown", valid[:len(valid)-1] + `,"type":"BOGUS"}`, messages.ReasonUnknownType},
	}
}

// bodyRejects are the body-level hostile inputs of decoders with a body.
func bodyRejects(tb testing.TB, file string) []rejectCase {
	set := func(v any) string { return mutate(tb, file, func(m obj) { m["body"] = v }) }
	return []rejectCase{
		{"missing body", mutate(tb, file, func(m obj) { delete(m, "body") }), messages.ReasonMissingField},
		{"null body", set(nil), messages.ReasonMissingField},
		{"body is a string", set("{}"), messages.ReasonBadBody},
		{"body is a number", set(7), messages.ReasonBadBody},
		{"body is an array", set([]any{}), messages.ReasonBadBody},
		{"body is true", set(true), messages.ReasonBadBody},
	}
}

// characterIDRejects are the hostile envelope characterId values.
func characterIDRejects(tb testing.TB, file string) []rejectCase {
	set := func(v any) string { return mutate(tb, file, func(m obj) { m["characterId"] = v }) }
	return []rejectCase{
		{"missing characterId", mutate(tb, file, func(m obj) { delete(m, "characterId") }), messages.ReasonMissingField},
		{"zero characterId", set(0), messages.ReasonMissingField},
		{"null characterId", set(nil), messages.ReasonMissingField},
		{"negative characterId", set(-5), messages.ReasonBadBody},
		{"characterId above uint32", set(num("4294967296")), messages.ReasonBadBody},
		{"fractional characterId", set(num("1.5")), messages.ReasonBadBody},
		{"exponent characterId", set(num("1e3")), messages.ReasonBadBody},
		{"huge characterId", set(num("1e400")), messages.ReasonBadBody},
		{"characterId as a string", set("1234"), messages.ReasonBadBody},
		{"worldId above byte", mutate(tb, file, func(m obj) { m["worldId"] = 256 }), messages.ReasonBadBody},
		{"negative worldId", mutate(tb, file, func(m obj) { m["worldId"] = -1 }), messages.ReasonBadBody},
	}
}

// runRejects checks each case is refused with a *messages.Rejection carrying
// the expected reason and a detail.
func runRejects(t *testing.T, decode func([]byte) error, cases []rejectCase) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := decode([]byte(c.in))
			require.Error(t, err, "accepted %q", c.in)
			var r *messages.Rejection
			require.ErrorAs(t, err, &r)
			assert.Equal(t, c.reason, r.Reason, "detail %q for input %q", r.Detail, c.in)
			assert.NotEmpty(t, r.Detail)
		})
	}
}

func errOnly[T any](decode func([]byte) (T, error)) func([]byte) error {
	return func(b []byte) error { _, err := decode(b); return err }
}

func TestRejectStartTransport(t *testing.T) {
	const f = "start_transport.json"
	set := func(k string, v any) string { return mutate(t, f, func(m obj) { body(m)[k] = v }) }
	cases := envelopeRejects(t, f, messages.TypeLogin)
	cases = append(cases, bodyRejects(t, f)...)
	cases = append(cases, characterIDRejects(t, f)...)
	cases = append(cases,
		rejectCase{"routeId not a UUID", set("routeId", "not-a-uuid"), messages.ReasonBadBody},
		rejectCase{"routeId empty string", set("routeId", ""), messages.ReasonBadBody},
		rejectCase{"routeId a number", set("routeId", 12), messages.ReasonBadBody},
		rejectCase{"routeId one char short", set("routeId", routeID.String()[:35]), messages.ReasonBadBody},
		rejectCase{"routeId nil UUID", set("routeId", "00000000-0000-0000-0000-000000000000"), messages.ReasonMissingField},
		rejectCase{"routeId null", set("routeId", nil), messages.ReasonMissingField},
		rejectCase{"routeId missing", mutate(t, f, func(m obj) { delete(body(m), "routeId") }), messages.ReasonMissingField},
		rejectCase{"empty body", mutate(t, f, func(m obj) { m["body"] = obj{} }), messages.ReasonMissingField},
		rejectCase{"channelId 300 out of byte range", set("channelId", 300), messages.ReasonBadBody},
		rejectCase{"negative channelId", set("channelId", -1), messages.ReasonBadBody},
		rejectCase{"channelId as a string", set("channelId", "2"), messages.ReasonBadBody},
		rejectCase{"transactionId not a UUID", mutate(t, f, func(m obj) { m["transactionId"] = "tx-1" }), messages.ReasonBadBody},
	)
	runRejects(t, errOnly(messages.DecodeStartTransport), cases)
}

func TestRejectCharacterStatus(t *testing.T) {
	const f = "login.json"
	set := func(k string, v any) string { return mutate(t, f, func(m obj) { body(m)[k] = v }) }
	cases := envelopeRejects(t, f, messages.TypeStart)
	cases = append(cases, bodyRejects(t, f)...)
	cases = append(cases, characterIDRejects(t, f)...)
	cases = append(cases,
		rejectCase{"type CHARACTER_EXIT", mutate(t, f, func(m obj) { m["type"] = messages.TypeCharacterExit }), messages.ReasonUnknownType},
		rejectCase{"instance not a UUID", set("instance", "nope"), messages.ReasonBadBody},
		rejectCase{"negative mapId", set("mapId", -1), messages.ReasonBadBody},
		rejectCase{"mapId above uint32", set("mapId", num("4294967296")), messages.ReasonBadBody},
		rejectCase{"channelId 300 out of byte range", set("channelId", 300), messages.ReasonBadBody},
		rejectCase{"mapId as a string", set("mapId", "100000000"), messages.ReasonBadBody},
	)
	runRejects(t, errOnly(messages.DecodeCharacterStatus), cases)
}

func TestRejectChannelStatus(t *testing.T) {
	const f = "channel_started.json"
	set := func(k string, v any) string { return mutate(t, f, func(m obj) { m[k] = v }) }
	cases := envelopeRejects(t, f, messages.TypeLogout)
	cases = append(cases,
		rejectCase{"type CHARACTER_ENTER", set("type", messages.TypeCharacterEnter), messages.ReasonUnknownType},
		rejectCase{"channelId 300 out of byte range", set("channelId", 300), messages.ReasonBadBody},
		rejectCase{"negative channelId", set("channelId", -1), messages.ReasonBadBody},
		rejectCase{"worldId above byte", set("worldId", 256), messages.ReasonBadBody},
		rejectCase{"worldId as a string", set("worldId", "0"), messages.ReasonBadBody},
		rejectCase{"port as a string", set("port", "7575"), messages.ReasonBadBody},
		rejectCase{"fractional port", set("port", num("7575.5")), messages.ReasonBadBody},
		rejectCase{"ipAddress a number", set("ipAddress", 10), messages.ReasonBadBody},
	)
	runRejects(t, errOnly(messages.DecodeChannelStatus), cases)
}

func TestRejectMapStatus(t *testing.T) {
	const f = "map_character_exit.json"
	setBody := func(v any) string { return mutate(t, f, func(m obj) { body(m)["characterId"] = v }) }
	set := func(k string, v any) string { return mutate(t, f, func(m obj) { m[k] = v }) }
	cases := envelopeRejects(t, f, messages.TypeLogin)
	cases = append(cases, bodyRejects(t, f)...)
	cases = append(cases,
		rejectCase{"empty body", set("body", obj{}), messages.ReasonMissingField},
		rejectCase{"zero body.characterId", setBody(0), messages.ReasonMissingField},
		rejectCase{"null body.characterId", setBody(nil), messages.ReasonMissingField},
		rejectCase{"negative body.characterId", setBody(-1), messages.ReasonBadBody},
		rejectCase{"body.characterId as a string", setBody("1234"), messages.ReasonBadBody},
		rejectCase{"body.characterId above uint32", setBody(num("4294967296")), messages.ReasonBadBody},
		rejectCase{"instance not a UUID", set("instance", "x"), messages.ReasonBadBody},
		rejectCase{"mapId above uint32", set("mapId", num("4294967296")), messages.ReasonBadBody},
		rejectCase{"channelId 300 out of byte range", set("channelId", 300), messages.ReasonBadBody},
		rejectCase{"worldId above byte", set("worldId", 256), messages.ReasonBadBody},
	)
	runRejects(t, errOnly(messages.DecodeMapStatus), cases)
}

func TestRejectPartyQuestCommand(t *testing.T) {
	decode := errOnly(messages.DecodePartyQuestCommand)
	t.Run("envelope", func(t *testing.T) {
		cases := envelopeRejects(t, "pq_start.json", messages.TypeChangeMap)
		cases = append(cases,
			rejectCase{"type STARTED (an event)", mutate(t, "pq_start.json", func(m obj) { m["type"] = messages.TypeStarted }), messages.ReasonUnknownType},
			rejectCase{"characterId zero before a bad body", mutate(t, "pq_start.json", func(m obj) { m["characterId"] = 0; m["body"] = 5 }), messages.ReasonMissingField},
		)
		runRejects(t, decode, cases)
	})
	for _, f := range []string{"pq_register.json", "pq_start.json", "pq_stage_clear_attempt.json", "pq_stage_advance.json", "pq_forfeit.json", "pq_update_stage_state.json"} {
		t.Run(f, func(t *testing.T) {
			runRejects(t, decode, append(bodyRejects(t, f), characterIDRejects(t, f)...))
		})
	}
	for _, f := range []string{"pq_start.json", "pq_stage_clear_attempt.json", "pq_stage_advance.json", "pq_forfeit.json", "pq_update_stage_state.json"} {
		t.Run(f+"/instanceId", func(t *testing.T) {
			set := func(v any) string { return mutate(t, f, func(m obj) { body(m)["instanceId"] = v }) }
			runRejects(t, decode, []rejectCase{
				{"missing instanceId", mutate(t, f, func(m obj) { delete(body(m), "instanceId") }), messages.ReasonMissingField},
				{"nil instanceId", set("00000000-0000-0000-0000-000000000000"), messages.ReasonMissingField},
				{"null instanceId", set(nil), messages.ReasonMissingField},
				{"instanceId not a UUID", set("pq-1"), messages.ReasonBadBody},
				{"instanceId a number", set(1), messages.ReasonBadBody},
				{"instanceId with a bad hex digit", set("g1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d"), messages.ReasonBadBody},
			})
		})
	}
	t.Run("REGISTER", func(t *testing.T) {
		const f = "pq_register.json"
		set := func(k string, v any) string { return mutate(t, f, func(m obj) { body(m)[k] = v }) }
		runRejects(t, decode, []rejectCase{
			{"missing questId", mutate(t, f, func(m obj) { delete(body(m), "questId") }), messages.ReasonMissingField},
			{"empty questId", set("questId", ""), messages.ReasonMissingField},
			{"questId a number", set("questId", 5), messages.ReasonBadBody},
			{"negative partyId", set("partyId", -7), messages.ReasonBadBody},
			{"channelId 300 out of byte range", set("channelId", 300), messages.ReasonBadBody},
			{"mapId as a string", set("mapId", "103000000"), messages.ReasonBadBody},
			{"empty body", mutate(t, f, func(m obj) { m["body"] = obj{} }), messages.ReasonMissingField},
		})
	})
	t.Run("UPDATE_STAGE_STATE", func(t *testing.T) {
		const f = "pq_update_stage_state.json"
		set := func(k string, v any) string { return mutate(t, f, func(m obj) { body(m)[k] = v }) }
		runRejects(t, decode, []rejectCase{
			{"itemCounts with a non-numeric key", set("itemCounts", obj{"abc": 1}), messages.ReasonBadBody},
			{"itemCounts with an empty key", set("itemCounts", obj{"": 1}), messages.ReasonBadBody},
			{"itemCounts with a negative key", set("itemCounts", obj{"-1": 1}), messages.ReasonBadBody},
			{"itemCounts with a fractional key", set("itemCounts", obj{"1.5": 1}), messages.ReasonBadBody},
			{"itemCounts with a signed key", set("itemCounts", obj{"+1": 1}), messages.ReasonBadBody},
			{"itemCounts with a key above uint32", set("itemCounts", obj{"4294967296": 1}), messages.ReasonBadBody},
			{"itemCounts with a negative delta", set("itemCounts", obj{"4001007": -1}), messages.ReasonBadBody},
			{"itemCounts with a delta above uint32", set("itemCounts", obj{"4001007": num("4294967296")}), messages.ReasonBadBody},
			{"itemCounts with a string delta", set("itemCounts", obj{"4001007": "1"}), messages.ReasonBadBody},
			{"itemCounts is an array", set("itemCounts", []any{1, 2}), messages.ReasonBadBody},
			{"itemCounts is a number", set("itemCounts", 3), messages.ReasonBadBody},
			{"monsterKills with a non-numeric key", set("monsterKills", obj{"slime": 3}), messages.ReasonBadBody},
			{"monsterKills with a null delta", set("monsterKills", obj{"9300000": nil, "x": 1}), messages.ReasonBadBody},
		})
	})
}
