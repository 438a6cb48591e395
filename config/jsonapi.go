package config

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
)

// resource is one element of a JSON:API list response. Members other than
// type, id and attributes (links, relationships, meta) are ignored, as the
// reference's decoder ignored them.
type resource struct {
	Type       string          `json:"type"`
	ID         string          `json:"id"`
	Attributes json.RawMessage `json:"attributes"`
}

// jsonAPITopKeys are the top-level members a JSON:API document may have.
var jsonAPITopKeys = []string{"data", "errors", "meta", "links", "included", "jsonapi"}

// readJSONAPIList reads a file holding a JSON:API list response
// ({"data":[...]}) and returns its elements undecoded, so one bad element
// costs only itself.
func readJSONAPIList(path string) ([]json.RawMessage, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	doc, unknown, err := splitObject(b, jsonAPITopKeys...)
	if err != nil {
		return nil, fmt.Errorf("not a JSON:API document: %s", jsonReason(err))
	}
	if len(unknown) > 0 {
		return nil, fmt.Errorf("unknown top-level field %q (want %s)", unknown[0], quoteAll(jsonAPITopKeys))
	}
	if !present(doc["data"]) {
		return nil, errors.New(`not a JSON:API list: no "data" array`)
	}
	var items []json.RawMessage
	if err := json.Unmarshal(doc["data"], &items); err != nil {
		return nil, errors.New(`not a JSON:API list: "data" is not an array`)
	}
	return items, nil
}

// decodeResource decodes one list element of the wanted type and its
// attributes into attrs (unknown attributes ignored, as in the reference:
// the tenants service keeps extras such as cancelNpcId).
func decodeResource(raw json.RawMessage, wantType string, attrs any) (resource, error) {
	var r resource
	if err := json.Unmarshal(raw, &r); err != nil {
		return r, errors.New(jsonReason(err))
	}
	if r.Type != wantType {
		return r, fmt.Errorf("type %q, want %q", r.Type, wantType)
	}
	if !present(r.Attributes) {
		return r, errors.New("attributes missing")
	}
	if err := json.Unmarshal(r.Attributes, attrs); err != nil {
		return r, fmt.Errorf("attributes: %s", jsonReason(err))
	}
	return r, nil
}
