package partyquest

import (
	"slices"
	"time"

	"github.com/gamehost/transitquest/messages"
	"github.com/gamehost/transitquest/partyquest/definition"
	"github.com/google/uuid"
)

const (
	// DefaultAwaitMembersWindow is the registration window of an instance that
	// waits for its party members (Registration.AwaitMembers) when the
	// definition's registration.duration is 0.
	DefaultAwaitMembersWindow = 3 * time.Minute
	// SafetyLimit is the global limit of a definition whose duration is 0, so
	// no run can stall forever in any state.
	SafetyLimit = 4 * time.Hour
	// MaxStageCounters bounds the distinct item ids and, separately, monster
	// ids one stage records, so a misbehaving sender cannot grow the state
	// (and the changelog record) without limit.
	MaxStageCounters = 256
)

// Machine is one party-quest instance. It is not safe for concurrent use: the
// owning actor serializes every call. A refused call returns a
// *messages.Rejection and leaves the machine unchanged.
type Machine struct {
	s     State
	rnd   Random
	last  int // index of the last non-bonus stage (cached from the definition)
	notes []string
}

// New creates an instance in registering and returns INSTANCE_CREATED plus
// what the registration mode implies: instant starts at once (STARTED and the
// warps, or FAILED start_requirements and the destroy); timed, or a party
// awaiting its members, opens the window (REGISTRATION_OPENED with its length
// in seconds). def should have passed definition.Validate.
func New(id uuid.UUID, def *definition.Definition, reg Registration, rnd Random, now time.Time) (*Machine, []messages.Record) {
	now = now.UTC()
	if rnd == nil {
		rnd = NewRandom()
	}
	m := &Machine{rnd: rnd, last: def.LastRegularStage()}
	m.s = State{
		ID:           id,
		QuestID:      def.QuestID,
		Definition:   def,
		WorldID:      reg.WorldID,
		ChannelID:    reg.ChannelID,
		PartyID:      reg.PartyID,
		AffinityID:   reg.AffinityID,
		Characters:   uniqueCharacters(reg.Characters),
		State:        StateRegistering,
		RegisteredAt: now,
	}
	if def.InstanceLocked() {
		// One private field instance per stage, fixed for the run.
		m.s.FieldInstances = make([]uuid.UUID, len(def.Stages))
		for i := range m.s.FieldInstances {
			m.s.FieldInstances[i] = rnd.UUID()
		}
	}
	out := []messages.Record{status(m, messages.TypeInstanceCreated,
		messages.InstanceCreatedBody{PartyID: reg.PartyID, ChannelID: reg.ChannelID})}
	if def.Registration.Mode == definition.ModeTimed || reg.AwaitMembers {
		window := def.Registration.Window()
		if window <= 0 {
			window = DefaultAwaitMembersWindow
		}
		m.s.RegistrationEndsAt = now.Add(window)
		out = append(out, status(m, messages.TypeRegistrationOpened,
			messages.RegistrationOpenedBody{Duration: int64(window / time.Second)}))
		return m, out
	}
	return m, m.start(out, now)
}

// Restore rebuilds a machine from a saved State (deep-copied). Run s.Check
// first on untrusted input.
func Restore(s State, rnd Random) *Machine {
	if rnd == nil {
		rnd = NewRandom()
	}
	return &Machine{s: s.clone(), rnd: rnd, last: s.Definition.LastRegularStage()}
}

// State returns a deep copy of the whole state (the definition is shared and
// read-only).
func (m *Machine) State() State { return m.s.clone() }

// View is the state without a copy: it shares its maps and slices with the
// machine, so read it at once (to encode it) and never keep or change it.
func (m *Machine) View() State { return m.s }

// ID is the instance id.
func (m *Machine) ID() uuid.UUID { return m.s.ID }

// Phase is the current lifecycle state, without copying the State.
func (m *Machine) Phase() InstanceState { return m.s.State }

// Done reports that the instance was destroyed; the actor then stops itself.
func (m *Machine) Done() bool { return m.s.Destroyed }

// Members returns a copy of the registered characters.
func (m *Machine) Members() []Character { return slices.Clone(m.s.Characters) }

// TakeNotes returns and clears the diagnostic notes gathered since the last
// call (e.g. a level condition skipped because levels are unknown), for the
// actor to log.
func (m *Machine) TakeNotes() []string {
	n := m.notes
	m.notes = nil
	return n
}

func (m *Machine) member(id uint32) bool {
	for i := range m.s.Characters {
		if m.s.Characters[i].ID == id {
			return true
		}
	}
	return false
}

func (m *Machine) stage() *definition.Stage {
	i := int(m.s.CurrentStageIndex)
	if i >= len(m.s.Definition.Stages) {
		return nil
	}
	return &m.s.Definition.Stages[i]
}

func uniqueCharacters(cs []Character) []Character {
	out := make([]Character, 0, len(cs))
	for _, c := range cs {
		if !slices.ContainsFunc(out, func(o Character) bool { return o.ID == c.ID }) {
			out = append(out, c)
		}
	}
	return out
}
