package messages_test

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/google/uuid"

	"github.com/gamehost/transitquest/messages"
)

// Fuzz targets. Seed corpora: the golden files (f.Add) plus the committed
// files under testdata/fuzz/<FuzzName>/ (hostile inputs and past findings).
// Property: no panic; either a *messages.Rejection with a decoding reason, or
// a value that keeps the decoder's guarantees and re-encodes to JSON that
// decodes to the same value.

// decodeReasons are the only reasons a decoder may give.
var decodeReasons = map[messages.Reason]bool{
	messages.ReasonBadJSON: true, messages.ReasonUnknownType: true,
	messages.ReasonMissingField: true, messages.ReasonBadBody: true,
}

func fuzzDecoder[T any](f *testing.F, goldens []string, decode func([]byte) (T, error), encode func(T) ([]byte, error), check func(testing.TB, T)) {
	for _, g := range goldens {
		f.Add(golden(f, g))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		v, err := decode(b)
		if err != nil {
			var r *messages.Rejection
			if !errors.As(err, &r) {
				t.Fatalf("error %v (%T) is not a *messages.Rejection", err, err)
			}
			if !decodeReasons[r.Reason] || r.Detail == "" {
				t.Fatalf("rejection %q / %q", r.Reason, r.Detail)
			}
			return
		}
		check(t, v)
		enc, err := encode(v)
		if err != nil {
			t.Fatalf("re-encode %+v: %v", v, err)
		}
		again, err := decode(enc)
		if err != nil {
			t.Fatalf("re-encoded value rejected: %v\ninput:      %q\nre-encoded: %s", err, b, enc)
		}
		if !reflect.DeepEqual(v, again) {
			t.Fatalf("round trip changed the value\ninput: %q\nfirst: %+v\nagain: %+v", b, v, again)
		}
	})
}

func FuzzDecodeStartTransport(f *testing.F) {
	fuzzDecoder(f, []string{"start_transport.json"}, messages.DecodeStartTransport, marshal,
		func(tb testing.TB, v messages.CharacterEvent[messages.StartTransportBody]) {
			if v.Type != messages.TypeStart || v.CharacterID == 0 || v.Body.RouteID == uuid.Nil {
				tb.Fatalf("accepted %+v", v)
			}
		})
}

func FuzzDecodeCharacterStatus(f *testing.F) {
	fuzzDecoder(f, []string{"login.json", "logout.json"}, messages.DecodeCharacterStatus, marshal,
		func(tb testing.TB, v messages.CharacterEvent[messages.LocationBody]) {
			if (v.Type != messages.TypeLogin && v.Type != messages.TypeLogout) || v.CharacterID == 0 {
				tb.Fatalf("accepted %+v", v)
			}
		})
}

func FuzzDecodeChannelStatus(f *testing.F) {
	fuzzDecoder(f, []string{"channel_started.json", "channel_shutdown.json"}, messages.DecodeChannelStatus, marshal,
		func(tb testing.TB, v messages.ChannelStatusEvent) {
			if v.Type != messages.TypeChannelStarted && v.Type != messages.TypeChannelShutdown {
				tb.Fatalf("accepted %+v", v)
			}
		})
}

func FuzzDecodeMapStatus(f *testing.F) {
	fuzzDecoder(f, []string{"map_character_exit.json", "map_character_enter.json"}, messages.DecodeMapStatus, marshal,
		func(tb testing.TB, v messages.MapStatusEvent[messages.CharacterBody]) {
			if (v.Type != messages.TypeCharacterEnter && v.Type != messages.TypeCharacterExit) || v.Body.CharacterID == 0 {
				tb.Fatalf("accepted %+v", v)
			}
		})
}

func FuzzDecodePartyQuestCommand(f *testing.F) {
	fuzzDecoder(f, []string{"pq_register.json", "pq_register_individual.json", "pq_start.json", "pq_stage_clear_attempt.json",
		"pq_stage_advance.json", "pq_forfeit.json", "pq_update_stage_state.json", "pq_update_stage_state_minimal.json"},
		messages.DecodePartyQuestCommand, encodePQ,
		func(tb testing.TB, v messages.PartyQuestCommand) {
			checkCommandShape(tb, v)
			if v.CharacterID == 0 {
				tb.Fatalf("accepted characterId 0: %+v", v)
			}
			if v.Register != nil && v.Register.QuestID == "" {
				tb.Fatalf("accepted an empty questId: %+v", v.Register)
			}
			if v.Type != messages.TypeRegister && v.InstanceID() == uuid.Nil {
				tb.Fatalf("accepted a nil instanceId: %+v", v)
			}
			if s := v.StageState; s != nil && ((s.ItemCounts != nil && len(s.ItemCounts) == 0) || (s.MonsterKills != nil && len(s.MonsterKills) == 0)) {
				tb.Fatalf("empty map not normalised to nil: %+v", s)
			}
		})
}

// TestFuzzCorpusFiles checks the committed corpus directories exist and hold
// files in Go's corpus format, so the fuzzers' seeds run under plain go test.
func TestFuzzCorpusFiles(t *testing.T) {
	for _, name := range []string{"FuzzDecodeStartTransport", "FuzzDecodeCharacterStatus", "FuzzDecodeChannelStatus", "FuzzDecodeMapStatus", "FuzzDecodePartyQuestCommand"} {
		entries, err := readCorpusDir(name)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if len(entries) < 5 {
			t.Errorf("%s has %d corpus files, want at least 5", name, len(entries))
		}
		for file, content := range entries {
			if len(content) < len(corpusHeader) || string(content[:len(corpusHeader)]) != corpusHeader {
				t.Errorf("%s/%s is not a Go corpus file", name, file)
			}
		}
	}
}

// corpusHeader starts every file of Go's fuzz corpus format.
const corpusHeader = "go test fuzz v1\n"

// readCorpusDir returns the files of testdata/fuzz/<name> by file name.
func readCorpusDir(name string) (map[string][]byte, error) {
	dir := filepath.Join("testdata", "fuzz", name)
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	files := map[string][]byte{}
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			return nil, err
		}
		files[e.Name()] = b
	}
	return files, nil
}
