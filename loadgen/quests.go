package loadgen

import (
	"sync"
	"time"

	"github.com/google/uuid"

	"github.com/gamehost/transitquest/messages"
	"github.com/gamehost/transitquest/tenant"
)

type questPhase uint8

const (
	questIdle        questPhase = iota
	questRegistering            // REGISTER sent, awaiting INSTANCE_CREATED
	questStarting               // START sent, awaiting STARTED
	questWaiting                // in stage 0, awaiting the timer's STAGE_ADVANCED
	questClearing               // UPDATE_STAGE_STATE + STAGE_CLEAR_ATTEMPT sent
	questAdvancing              // STAGE_ADVANCE sent
	questEnding                 // FORFEIT sent after a failure
)

type quester struct {
	phase    questPhase
	party    uint32
	instance uuid.UUID
	stage    uint32
	started  time.Time // STARTED stamp: stage 0's limit runs from here
	since    time.Time
}

// Quests is the party-quest scenario. Each player is a one-character party
// running the generated quest over and over: REGISTER (→ INSTANCE_CREATED),
// START (→ STARTED), stage 0 advancing by its timer (lateness measured),
// then per stage UPDATE_STAGE_STATE + STAGE_CLEAR_ATTEMPT (→ STAGE_CLEARED)
// and STAGE_ADVANCE (→ STAGE_ADVANCED, or INSTANCE_DESTROYED after the last).
type Quests struct {
	mu        sync.Mutex
	base      uint32
	tenants   []tenant.Tenant
	def       QuestDefinition
	players   []quester
	nextParty func() uint32
	byParty   map[uint32]int
	byInst    map[uuid.UUID]int
	late      *Lateness
	timeout   time.Duration
	pacing    Pacing
	stopped   bool
	counters  map[string]int
}

// NewQuests creates n players with characters base, base+1, …; nextParty
// hands out party ids never used before against this service.
func NewQuests(n int, base uint32, tenants []tenant.Tenant, def QuestDefinition, nextParty func() uint32, late *Lateness, timeout time.Duration, pacing Pacing) *Quests {
	return &Quests{base: base, pacing: pacing, tenants: tenants, def: def, players: make([]quester, n), nextParty: nextParty,
		byParty: map[uint32]int{}, byInst: map[uuid.UUID]int{}, late: late, timeout: timeout, counters: map[string]int{}}
}

// QuestsName is the party-quest scenario's name in the report.
const QuestsName = "party quests"

// Name implements Scenario.
func (q *Quests) Name() string { return QuestsName }

// Owns implements Scenario.
func (q *Quests) Owns(c uint32) bool { return c >= q.base && c < q.base+uint32(len(q.players)) }

// Begin implements Scenario.
func (q *Quests) Begin(now time.Time) []Command {
	q.mu.Lock()
	defer q.mu.Unlock()
	out := make([]Command, 0, len(q.players))
	for i := range q.players {
		c := q.register(i, now)
		c.Delay = q.pacing.ramp(i, len(q.players))
		out = append(out, c)
	}
	return out
}

func (q *Quests) character(i int) uint32     { return q.base + uint32(i) }
func (q *Quests) tenant(i int) tenant.Tenant { return tenantOf(q.tenants, i) }
func (q *Quests) set(i int, ph questPhase, now time.Time) {
	q.players[i].phase, q.players[i].since = ph, now
}

func (q *Quests) register(i int, now time.Time) Command {
	p := &q.players[i]
	if p.instance != uuid.Nil {
		delete(q.byInst, p.instance)
	}
	p.party, p.instance, p.stage = q.nextParty(), uuid.Nil, 0
	q.byParty[p.party] = i
	q.set(i, questRegistering, now)
	return QuestRegister(q.tenant(i), q.character(i), p.party)
}

func (q *Quests) instanceCommand(i int, typ, corr string) Command {
	return QuestInstanceCommand(q.tenant(i), q.character(i), typ, q.players[i].instance, corr)
}

// clear sends the stage's item (in Pacing.StageUpdates deltas) and the
// clear attempt; the attempt's STAGE_CLEARED completes them all (same key,
// same partition: the updates are applied first).
func (q *Quests) clear(i int, now time.Time) []Command {
	p := &q.players[i]
	q.set(i, questClearing, now)
	updates := max(1, q.pacing.StageUpdates)
	attempt := q.instanceCommand(i, messages.TypeStageClearAttempt, QuestCorr(p.instance, messages.TypeStageCleared, p.stage))
	attempt.Commands = updates + 1
	out := make([]Command, 0, updates+1)
	for range updates {
		out = append(out, QuestUpdate(q.tenant(i), q.character(i), p.instance))
	}
	return append(out, attempt)
}

// OnEffect implements Scenario.
func (q *Quests) OnEffect(e Effect) []Command {
	if e.Topic != messages.EventTopicPartyQuestStatus {
		return nil
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	if e.Type == messages.TypeInstanceCreated {
		return q.created(e)
	}
	i, ok := q.byInst[e.Instance]
	if !ok {
		return nil
	}
	p := &q.players[i]
	switch {
	case e.Type == messages.TypeStarted && p.phase == questStarting:
		p.started = e.Stamp
		q.set(i, questWaiting, e.Seen)
	case e.Type == messages.TypeStageAdvanced && p.phase == questWaiting && e.StageIndex == 1:
		q.late.Add(LateQuestStage, e.Seen, e.Stamp.Sub(p.started.Add(q.def.Wait)))
		p.stage = 1
		return q.clear(i, e.Seen)
	case e.Type == messages.TypeStageCleared && p.phase == questClearing && e.StageIndex == p.stage:
		q.set(i, questAdvancing, e.Seen)
		corr := QuestCorr(p.instance, messages.TypeStageAdvanced, p.stage+1)
		if int(p.stage) >= q.def.Stages {
			corr = QuestCorr(p.instance, messages.TypeInstanceDestroyed, 0)
		}
		return []Command{q.instanceCommand(i, messages.TypeStageAdvance, corr)}
	case e.Type == messages.TypeStageAdvanced && p.phase == questAdvancing && e.StageIndex == p.stage+1:
		p.stage++
		return q.clear(i, e.Seen)
	case e.Type == messages.TypeFailed:
		q.counters["quests failed ("+e.Reason+")"]++
	case e.Type == messages.TypeInstanceDestroyed:
		if p.phase == questAdvancing {
			q.counters["quests completed"]++
		}
		delete(q.byInst, p.instance)
		p.instance = uuid.Nil
		q.set(i, questIdle, e.Seen)
		if !q.stopped {
			c := q.register(i, e.Seen)
			c.Delay = q.pacing.think()
			return []Command{c}
		}
	}
	return nil
}

// created binds a new instance to the player whose party it is; an instance
// of an abandoned REGISTER (timed out) is forfeited so its character is free.
func (q *Quests) created(e Effect) []Command {
	i, ok := q.byParty[e.PartyID]
	if !ok {
		return nil
	}
	delete(q.byParty, e.PartyID)
	p := &q.players[i]
	if p.phase != questRegistering || p.party != e.PartyID {
		q.counters["stale instances forfeited"]++
		c := QuestInstanceCommand(q.tenant(i), q.character(i), messages.TypeForfeit, e.Instance, "")
		c.Kind, c.Commands = "pq FORFEIT (cleanup)", 0
		return []Command{c}
	}
	q.counters["instances created"]++
	p.instance = e.Instance
	q.byInst[e.Instance] = i
	q.set(i, questStarting, e.Seen)
	return []Command{q.instanceCommand(i, messages.TypeStart, QuestCorr(e.Instance, messages.TypeStarted, 0))}
}

// OnFailure implements Scenario: a player inside an instance forfeits it,
// any other registers again with a fresh party.
func (q *Quests) OnFailure(c uint32, now time.Time) []Command {
	if !q.Owns(c) {
		return nil
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.restart(int(c-q.base), now)
}

func (q *Quests) restart(i int, now time.Time) []Command {
	p := &q.players[i]
	if p.instance != uuid.Nil && p.phase != questEnding {
		q.set(i, questEnding, now)
		return []Command{q.instanceCommand(i, messages.TypeForfeit, QuestCorr(p.instance, messages.TypeInstanceDestroyed, 0))}
	}
	if q.stopped {
		q.set(i, questIdle, now)
		return nil
	}
	return []Command{q.register(i, now)}
}

// Sweep implements Scenario: a player stuck in stage 0 past its limit plus
// the timeout is restarted.
func (q *Quests) Sweep(now time.Time) ([]Command, int) {
	q.mu.Lock()
	defer q.mu.Unlock()
	var out []Command
	n := 0
	for i := range q.players {
		if p := &q.players[i]; p.phase == questWaiting && now.Sub(p.since) > q.def.Wait+q.timeout {
			n++
			out = append(out, q.restart(i, now)...)
		}
	}
	return out, n
}

// Stop implements Scenario.
func (q *Quests) Stop() {
	q.mu.Lock()
	q.stopped = true
	q.mu.Unlock()
}

// Counters implements Scenario.
func (q *Quests) Counters() map[string]int {
	q.mu.Lock()
	defer q.mu.Unlock()
	out := make(map[string]int, len(q.counters))
	for k, v := range q.counters {
		out[k] = v
	}
	return out
}

// Live implements Scenario: players whose instance exists.
func (q *Quests) Live() int {
	q.mu.Lock()
	defer q.mu.Unlock()
	return len(q.byInst)
}
