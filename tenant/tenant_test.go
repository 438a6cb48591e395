package tenant

import (
	"encoding/json"
	"strings"
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

func TestParseKeyReadsWhatAppendKeyWrote(t *testing.T) {
	for _, tn := range []Tenant{
		{ID: uuid.MustParse("083839c6-c47c-42a6-9585-76492795d123"), Region: "GMS", MajorVersion: 83, MinorVersion: 1},
		{ID: uuid.New(), Region: "a.b c", MajorVersion: 0, MinorVersion: 0},
		{ID: uuid.New(), Region: "é", MajorVersion: 65535, MinorVersion: 65535},
	} {
		for _, tail := range []string{"", "|", "|ride|", "|rider|12|x"} {
			key := append(tn.AppendKey(nil), tail...)
			got, rest, err := ParseKey(key)
			if err != nil {
				t.Fatalf("ParseKey(%q): %v", key, err)
			}
			if got != tn {
				t.Fatalf("ParseKey(%q) = %+v, want %+v", key, got, tn)
			}
			if want := strings.TrimPrefix(tail, "|"); string(rest) != want || (tail == "") != (rest == nil) {
				t.Fatalf("ParseKey(%q) rest %q (nil %v), want %q", key, rest, rest == nil, want)
			}
			if !tn.KeyedBy(key) {
				t.Fatalf("%+v not KeyedBy %q", tn, key)
			}
		}
	}
}

// A key that is not exactly a tenant's Key is refused, and a tenant whose
// Key would be ambiguous (its region holds '/' or '|', or is empty) is
// never KeyedBy its key: it keeps its headers.
func TestParseKeyRefusesWhatIsNotATenantsKey(t *testing.T) {
	id := "083839c6-c47c-42a6-9585-76492795d123"
	for _, key := range []string{
		"", id, id + "/", id + "/GMS", id + "/GMS/", id + "/GMS/83", id + "/GMS/83.", id + "/GMS/.1",
		id + "/GMS/083.1", id + "/GMS/83.01", id + "/GMS/+83.1", id + "/GMS/83.1x", id + "/GMS/65536.1",
		id + "/GMS/83.1.2", id + "//83.1", id + "/G/M/83.1", "00000000-0000-0000-0000-000000000000/GMS/83.1",
		"083839c6-c47c-42a6-9585-76492795d12x/GMS/83.1", "083839c6c47c42a6958576492795d123ab/GMS/83.1",
		"|" + id + "/GMS/83.1", strings.ToUpper(id) + "/GMS/83.1",
	} {
		if tn, _, err := ParseKey([]byte(key)); err == nil {
			t.Errorf("ParseKey(%q) = %+v, want an error", key, tn)
		}
	}
	for _, region := range []string{"", "a/b", "a|b", "a/1.2|b"} {
		tn := Tenant{ID: uuid.MustParse(id), Region: region, MajorVersion: 1, MinorVersion: 2}
		if key := append(tn.AppendKey(nil), "|ride|x"...); tn.KeyedBy(key) {
			t.Errorf("region %q: KeyedBy its key %q", region, key)
		}
	}
	tn := Tenant{ID: uuid.MustParse(id), Region: "GMS", MajorVersion: 83, MinorVersion: 1}
	other := tn
	other.MinorVersion = 2
	if other.KeyedBy(tn.AppendKey(nil)) {
		t.Error("a tenant is KeyedBy another's key")
	}
}

// Whatever ParseKey accepts is a tenant's Key followed by '|' or nothing.
func FuzzParseKey(f *testing.F) {
	f.Add([]byte("083839c6-c47c-42a6-9585-76492795d123/GMS/83.1|ride|x"))
	f.Add([]byte("083839c6-c47c-42a6-9585-76492795d123/a/0.0"))
	f.Fuzz(func(t *testing.T, key []byte) {
		tn, rest, err := ParseKey(key)
		if err != nil {
			return
		}
		want := tn.AppendKey(nil)
		if rest != nil {
			want = append(append(want, '|'), rest...)
		}
		if string(want) != string(key) {
			t.Fatalf("ParseKey(%q) = %+v, %q: written back as %q", key, tn, rest, want)
		}
		if !tn.KeyedBy(key) {
			t.Fatalf("%+v not KeyedBy %q", tn, key)
		}
	})
}
