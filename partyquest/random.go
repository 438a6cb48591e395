package partyquest

import (
	"encoding/binary"
	"math/rand/v2"

	"github.com/google/uuid"
)

// Random is the source of every random choice: instance ids, field-instance
// ids and combination values. Tests inject a seeded one for determinism.
type Random interface {
	// UUID returns a random (version 4) UUID.
	UUID() uuid.UUID
	// IntN returns a uniform integer in [0, n); n > 0.
	IntN(n int) int
}

// NewRandom returns the production source: crypto-random UUIDs and the
// runtime's random generator. It is safe for concurrent use.
func NewRandom() Random { return systemRandom{} }

type systemRandom struct{}

func (systemRandom) UUID() uuid.UUID { return uuid.New() }
func (systemRandom) IntN(n int) int  { return rand.IntN(n) }

// NewSeededRandom returns a deterministic source for tests and replays. It is
// not safe for concurrent use: give each actor its own.
func NewSeededRandom(seed uint64) Random {
	return &seededRandom{r: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))}
}

type seededRandom struct{ r *rand.Rand }

func (s *seededRandom) IntN(n int) int { return s.r.IntN(n) }

func (s *seededRandom) UUID() uuid.UUID {
	var u uuid.UUID
	binary.BigEndian.PutUint64(u[:8], s.r.Uint64())
	binary.BigEndian.PutUint64(u[8:], s.r.Uint64())
	u[6] = u[6]&0x0f | 0x40 // version 4
	u[8] = u[8]&0x3f | 0x80 // RFC 4122 variant
	return u
}
