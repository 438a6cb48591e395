package tenant

import (
	"encoding/json"
	"testing"

	"github.com/google/uuid"
)

func TestKeyNamesIDRegionAndVersion(t *testing.T) {
	tn := Tenant{ID: uuid.MustParse("083839c6-c47c-42a6-9585-76492795d123"), Region: "GMS", MajorVersion: 83, MinorVersion: 1}
	if got, want := tn.Key(), "083839c6-c47c-42a6-9585-76492795d123/GMS/83.1"; got != want {
		t.Fatalf("Key() = %q, want %q", got, want)
	}
	if got, want := (Tenant{}).Key(), "00000000-0000-0000-0000-000000000000//0.0"; got != want {
		t.Fatalf("zero Key() = %q, want %q", got, want)
	}
}

func TestAppendJSONWritesWhatEncodingJSONWrites(t *testing.T) {
	for _, tn := range []Tenant{
		{ID: uuid.MustParse("083839c6-c47c-42a6-9585-76492795d123"), Region: "GMS", MajorVersion: 83, MinorVersion: 1},
		{},
		{ID: uuid.New(), Region: `a "quoted" <region> \ é`, MajorVersion: 65535, MinorVersion: 65535},
	} {
		want, err := json.Marshal(tn)
		if err != nil {
			t.Fatal(err)
		}
		if got := tn.AppendJSON([]byte("x")); string(got) != "x"+string(want) {
			t.Fatalf("AppendJSON = %s, want x%s", got, want)
		}
	}
}

func BenchmarkKey(b *testing.B) {
	tn := Tenant{ID: uuid.New(), Region: "GMS", MajorVersion: 83, MinorVersion: 1}
	for range b.N {
		_ = tn.Key()
	}
}
