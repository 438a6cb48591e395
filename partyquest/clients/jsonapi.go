package clients

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
)

// resource is one JSON:API resource object; only what the clients read.
type resource[A any] struct {
	Type       string     `json:"type"`
	ID         resourceID `json:"id"`
	Attributes A          `json:"attributes"`
}

// resourceID is a JSON:API id holding a uint32. The format says ids are
// strings; a bare number is accepted too, since being lenient costs nothing.
type resourceID uint32

// UnmarshalJSON implements json.Unmarshaler.
func (id *resourceID) UnmarshalJSON(b []byte) error {
	s := string(bytes.Trim(b, `"`))
	v, err := strconv.ParseUint(s, 10, 32)
	if err != nil {
		return fmt.Errorf("resource id %s is not a uint32", b)
	}
	*id = resourceID(v)
	return nil
}

// decodeData decodes the document's "data" into out (a pointer to a slice
// of resources). A single resource object is read as a one-element list.
func decodeData(body []byte, out any) error {
	var doc struct {
		Data json.RawMessage `json:"data"`
	}
	if err := json.Unmarshal(body, &doc); err != nil {
		return fmt.Errorf("decode JSON:API document: %w", err)
	}
	data := bytes.TrimSpace(doc.Data)
	switch {
	case len(data) == 0 || string(data) == "null":
		data = []byte("[]")
	case data[0] == '{':
		data = append(append([]byte("["), data...), ']')
	}
	if err := json.Unmarshal(data, out); err != nil {
		return fmt.Errorf("decode JSON:API data: %w", err)
	}
	return nil
}
