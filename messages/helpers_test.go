package messages_test

// Shared test helpers: golden files, the wire encoding of party-quest
// commands, and a schema checker that pins field names and JSON kinds.

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/google/uuid"

	"github.com/gamehost/transitquest/messages"
)

// Identifiers used by the golden files.
var (
	routeID  = uuid.MustParse("5b1d3f8e-2c4a-4e6b-9a7d-1f2e3d4c5b6a")
	rideID   = uuid.MustParse("9e8d7c6b-5a49-4382-b1a0-f9e8d7c6b5a4")
	txID     = uuid.MustParse("3c2b1a09-8f7e-4d6c-8b5a-493827160504")
	pqID     = uuid.MustParse("a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d")
	fieldID1 = uuid.MustParse("11111111-2222-4333-8444-555555555555")
	fieldID2 = uuid.MustParse("66666666-7777-4888-9999-aaaaaaaaaaaa")
)

const goldenDir = "testdata/golden"

// golden returns the content of testdata/golden/name.
func golden(tb testing.TB, name string) []byte {
	tb.Helper()
	b, err := os.ReadFile(filepath.Join(goldenDir, name))
	if err != nil {
		tb.Fatalf("golden %s: %v", name, err)
	}
	return b
}

// decodeAny decodes JSON keeping numbers as their literal text, so 1 and 1.0
// differ and large integers stay exact.
func decodeAny(b []byte) (any, error) {
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil {
		return nil, err
	}
	if d.More() {
		return nil, errors.New("trailing data after the JSON value")
	}
	return v, nil
}

func compact(b []byte) string {
	var buf bytes.Buffer
	if err := json.Compact(&buf, b); err != nil {
		return string(b)
	}
	return buf.String()
}

// encodePQ encodes a decoded party-quest command back to its wire form.
func encodePQ(c messages.PartyQuestCommand) ([]byte, error) {
	var body any
	switch {
	case c.Register != nil:
		body = c.Register
	case c.Instance != nil:
		body = c.Instance
	case c.StageState != nil:
		body = c.StageState
	}
	return json.Marshal(messages.Command[any]{WorldID: c.WorldID, CharacterID: c.CharacterID, Type: c.Type, Body: body})
}

// kind is the JSON type a contract field must have.
type kind int

const (
	kByte       kind = iota + 1 // integer in [0, 255] (world.Id, channel.Id, byte)
	kUint32                     // integer in [0, 2^32-1]
	kInt64                      // integer in int64 range
	kInt                        // integer (Go int)
	kString                     // string
	kUUID                       // canonical 36-char UUID text
	kObject                     // object; members listed as "parent.member"
	kUint32List                 // array (never null) of uint32
	kUUIDList                   // array (never null) of UUID text
	kUint32Map                  // object with decimal uint32 keys and uint32 values
)

func (k kind) String() string {
	return [...]string{"?", "byte", "uint32", "int64", "int", "string", "uuid", "object", "[]uint32", "[]uuid", "map[uint32]uint32"}[k]
}

// schema maps each dotted field path of a message to its kind. It lists every
// field: a field that is missing, extra or differently spelled is an error.
type schema map[string]kind

// withBody returns env plus an object "body" with the given members.
func withBody(env, body schema) schema {
	s := schema{"body": kObject}
	for k, v := range env {
		s[k] = v
	}
	for k, v := range body {
		s["body."+k] = v
	}
	return s
}

// Envelopes of the seeds.
var (
	characterEnv = schema{"transactionId": kUUID, "worldId": kByte, "characterId": kUint32, "type": kString}
	commandEnv   = schema{"worldId": kByte, "characterId": kUint32, "type": kString}
	mapStatusEnv = schema{"transactionId": kUUID, "worldId": kByte, "channelId": kByte, "mapId": kUint32, "instance": kUUID, "type": kString}
	transportEnv = schema{"routeId": kUUID, "type": kString}
	pqStatusEnv  = schema{"worldId": kByte, "instanceId": kUUID, "questId": kString, "type": kString}
	channelEnv   = schema{"type": kString, "worldId": kByte, "channelId": kByte, "ipAddress": kString, "port": kInt}
)

// checkSchema fails unless doc has exactly the fields of s, each of its kind.
func checkSchema(tb testing.TB, doc []byte, s schema) {
	tb.Helper()
	v, err := decodeAny(doc)
	if err != nil {
		tb.Fatalf("not JSON: %v", err)
	}
	obj, ok := v.(map[string]any)
	if !ok {
		tb.Fatalf("top level is %T, want an object", v)
	}
	seen := map[string]bool{}
	var errs []string
	walkSchema("", obj, s, seen, &errs)
	for path := range s {
		if !seen[path] {
			errs = append(errs, "missing field "+path)
		}
	}
	for _, e := range errs {
		tb.Errorf("%s in %s", e, compact(doc))
	}
}

func walkSchema(prefix string, obj map[string]any, s schema, seen map[string]bool, errs *[]string) {
	for name, val := range obj {
		path := prefix + name
		k, ok := s[path]
		if !ok {
			*errs = append(*errs, "unexpected field "+path)
			continue
		}
		seen[path] = true
		if msg := checkKind(k, val); msg != "" {
			*errs = append(*errs, path+": "+msg)
			continue
		}
		if k == kObject {
			walkSchema(path+".", val.(map[string]any), s, seen, errs)
		}
	}
}

func checkKind(k kind, v any) string {
	bad := func() string { return "want " + k.String() + ", got " + describe(v) }
	switch k {
	case kByte:
		return checkUint(v, 8, bad)
	case kUint32:
		return checkUint(v, 32, bad)
	case kInt64, kInt:
		n, ok := v.(json.Number)
		if !ok {
			return bad()
		}
		if _, err := strconv.ParseInt(n.String(), 10, 64); err != nil {
			return bad()
		}
	case kString:
		if _, ok := v.(string); !ok {
			return bad()
		}
	case kUUID:
		return checkUUID(v, bad)
	case kObject:
		if _, ok := v.(map[string]any); !ok {
			return bad()
		}
	case kUint32List, kUUIDList:
		list, ok := v.([]any)
		if !ok {
			return bad()
		}
		for _, e := range list {
			var msg string
			if k == kUint32List {
				msg = checkUint(e, 32, bad)
			} else {
				msg = checkUUID(e, bad)
			}
			if msg != "" {
				return msg
			}
		}
	case kUint32Map:
		m, ok := v.(map[string]any)
		if !ok {
			return bad()
		}
		for key, e := range m {
			if _, err := strconv.ParseUint(key, 10, 32); err != nil {
				return bad()
			}
			if msg := checkUint(e, 32, bad); msg != "" {
				return msg
			}
		}
	}
	return ""
}

func checkUint(v any, bits int, bad func() string) string {
	n, ok := v.(json.Number)
	if !ok {
		return bad()
	}
	if _, err := strconv.ParseUint(n.String(), 10, bits); err != nil {
		return bad()
	}
	return ""
}

func checkUUID(v any, bad func() string) string {
	s, ok := v.(string)
	if !ok || len(s) != 36 {
		return bad()
	}
	id, err := uuid.Parse(s)
	if err != nil || id.String() != s {
		return bad()
	}
	return ""
}

func describe(v any) string {
	switch x := v.(type) {
	case nil:
		return "null"
	case json.Number:
		return "number " + x.String()
	case string:
		return "string " + strconv.Quote(x)
	case bool:
		return "bool"
	case []any:
		return "array"
	case map[string]any:
		return "object"
	}
	return strings.TrimSpace(reflect.TypeOf(v).String())
}
