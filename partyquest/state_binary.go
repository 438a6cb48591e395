package partyquest

import (
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/gamehost/transitquest/binbytes"
	"github.com/google/uuid"
)

// stateBinaryV1 is the first byte of a state in its binary form; a later
// layout takes a new version and ReadBinary keeps reading this one.
const stateBinaryV1 = 1

// stateCodes numbers the instance states in the binary form (0 is never
// written, so a zeroed record does not read as a state).
var stateCodes = [...]InstanceState{1: StateRegistering, 2: StateActive, 3: StateClearing, 4: StateCompleted, 5: StateFailed}

// AppendBinary appends the state in its compact binary form (about a
// fifth of its JSON), which ReadBinary reads back: the form the actor
// keeps of an instance at rest and writes to its changelog. Nil and empty
// slices and maps stay apart, as in JSON; times keep their instant, read
// back in UTC. A state that still holds its definition is refused: the
// changelog names the definition instead.
func (s State) AppendBinary(b []byte) ([]byte, error) {
	if s.Definition != nil {
		return b, errors.New("party-quest state: binary form without its definition only")
	}
	code := slices.Index(stateCodes[:], s.State)
	if code < 1 {
		return b, fmt.Errorf("party-quest state: unknown state %q", s.State)
	}
	if b == nil {
		b = make([]byte, 0, 192)
	}
	b = append(b, stateBinaryV1)
	b = binbytes.AppendUUID(b, s.ID)
	b = binbytes.AppendString(b, s.QuestID)
	b = append(b, s.WorldID, s.ChannelID)
	b = binbytes.AppendUvarint(b, uint64(s.PartyID))
	b = binbytes.AppendUvarint(b, uint64(s.AffinityID))
	b = binbytes.AppendOptionalCount(b, s.Characters == nil, len(s.Characters))
	for _, c := range s.Characters {
		b = binbytes.AppendUvarint(b, uint64(c.ID))
		b = append(b, c.WorldID, c.ChannelID)
		b = binbytes.AppendUvarint(b, uint64(c.Level))
	}
	var flags byte
	if s.Destroyed {
		flags |= 1
	}
	if s.CompletedEmitted {
		flags |= 2
	}
	b = append(b, byte(code), flags)
	b = binbytes.AppendUvarint(b, uint64(s.CurrentStageIndex))
	b = appendBinaryTimes(b, s.times())
	b = binbytes.AppendOptionalCount(b, s.FieldInstances == nil, len(s.FieldInstances))
	for _, f := range s.FieldInstances {
		b = binbytes.AppendUUID(b, f)
	}
	b = appendBinaryCounts(b, s.StageState.ItemCounts)
	b = appendBinaryCounts(b, s.StageState.MonsterKills)
	b = binbytes.AppendOptionalCount(b, s.StageState.Combination == nil, len(s.StageState.Combination))
	for _, v := range s.StageState.Combination {
		b = binbytes.AppendUvarint(b, uint64(v))
	}
	return binbytes.AppendUvarint(b, uint64(s.StageState.Attempts)), nil
}

// ReadBinary reads a state AppendBinary wrote from r (which reports any
// error) and leaves r after it. The state has no definition yet.
func ReadBinary(r *binbytes.Reader) State {
	var s State
	if v := r.Byte(); v != stateBinaryV1 && r.Err() == nil {
		r.Fail(fmt.Errorf("party-quest state: unknown binary version %d", v))
	}
	s.ID = r.UUID()
	s.QuestID = r.String()
	s.WorldID, s.ChannelID = r.Byte(), r.Byte()
	s.PartyID, s.AffinityID = r.Uint32(), r.Uint32()
	if n, ok := r.OptionalCount(4); ok {
		s.Characters = make([]Character, n)
		for i := range s.Characters {
			c := &s.Characters[i]
			c.ID = r.Uint32()
			c.WorldID, c.ChannelID = r.Byte(), r.Byte()
			c.Level = r.Uint32()
		}
	}
	code, flags := r.Byte(), r.Byte()
	if int(code) < len(stateCodes) && code > 0 {
		s.State = stateCodes[code]
	} else if r.Err() == nil {
		r.Fail(fmt.Errorf("party-quest state: unknown state code %d", code))
	}
	if flags&^3 != 0 && r.Err() == nil {
		r.Fail(fmt.Errorf("party-quest state: unknown flags %#x", flags))
	}
	s.Destroyed, s.CompletedEmitted = flags&1 != 0, flags&2 != 0
	s.CurrentStageIndex = r.Uint32()
	readBinaryTimes(r, s.times())
	if n, ok := r.OptionalCount(16); ok {
		s.FieldInstances = make([]uuid.UUID, n)
		for i := range s.FieldInstances {
			s.FieldInstances[i] = r.UUID()
		}
	}
	s.StageState.ItemCounts = readBinaryCounts(r)
	s.StageState.MonsterKills = readBinaryCounts(r)
	if n, ok := r.OptionalCount(1); ok {
		s.StageState.Combination = make([]uint32, n)
		for i := range s.StageState.Combination {
			s.StageState.Combination[i] = r.Uint32()
		}
	}
	s.StageState.Attempts = r.Uint32()
	if r.Err() != nil {
		return State{}
	}
	return s
}

// UnmarshalBinary reads a state AppendBinary wrote, and nothing after it.
func (s *State) UnmarshalBinary(data []byte) error {
	r := binbytes.NewReader(data)
	v := ReadBinary(r)
	if r.Err() == nil && r.Len() > 0 {
		r.Fail(fmt.Errorf("party-quest state: %d bytes after the state", r.Len()))
	}
	if err := r.Err(); err != nil {
		return err
	}
	*s = v
	return nil
}

// times are the state's instants, in the binary form's order.
func (s *State) times() [6]*time.Time {
	return [6]*time.Time{&s.RegisteredAt, &s.StartedAt, &s.StageStartedAt,
		&s.RegistrationEndsAt, &s.RunEndsAt, &s.StageEndsAt}
}

// appendBinaryTimes writes a byte saying which times are set, then each
// set time as seconds and nanoseconds since the Unix epoch (any year).
func appendBinaryTimes(b []byte, ts [6]*time.Time) []byte {
	var set byte
	for i, t := range ts {
		if !t.IsZero() {
			set |= 1 << i
		}
	}
	b = append(b, set)
	for _, t := range ts {
		if !t.IsZero() {
			b = binbytes.AppendVarint(b, t.Unix())
			b = binbytes.AppendUvarint(b, uint64(t.Nanosecond()))
		}
	}
	return b
}

func readBinaryTimes(r *binbytes.Reader, ts [6]*time.Time) {
	set := r.Byte()
	if set>>len(ts) != 0 && r.Err() == nil {
		r.Fail(fmt.Errorf("party-quest state: unknown times %#x", set))
	}
	for i, t := range ts {
		if set&(1<<i) == 0 {
			continue
		}
		sec, nsec := r.Varint(), r.Uvarint()
		if nsec >= 1e9 && r.Err() == nil {
			r.Fail(fmt.Errorf("party-quest state: %d nanoseconds", nsec))
		}
		if r.Err() == nil {
			*t = time.Unix(sec, int64(nsec)).UTC()
		}
	}
}

// appendBinaryCounts writes a count map in key order, so a state has one
// binary form.
func appendBinaryCounts(b []byte, m map[uint32]uint32) []byte {
	b = binbytes.AppendOptionalCount(b, m == nil, len(m))
	if len(m) == 0 {
		return b
	}
	var small [16]uint32
	keys := small[:0]
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		b = binbytes.AppendUvarint(b, uint64(k))
		b = binbytes.AppendUvarint(b, uint64(m[k]))
	}
	return b
}

// readBinaryCounts reads a count map; its keys must ascend.
func readBinaryCounts(r *binbytes.Reader) map[uint32]uint32 {
	n, ok := r.OptionalCount(2)
	if !ok {
		return nil
	}
	m := make(map[uint32]uint32, n)
	var last uint32
	for i := 0; i < n && r.Err() == nil; i++ {
		k, v := r.Uint32(), r.Uint32()
		if i > 0 && k <= last && r.Err() == nil {
			r.Fail(fmt.Errorf("party-quest state: count key %d after %d", k, last))
		}
		m[k], last = v, k
	}
	return m
}
