package demo

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/google/uuid"
	"go.uber.org/zap"

	"github.com/gamehost/transitquest/messages"
	"github.com/gamehost/transitquest/partyquest/definition"
)

// team plays one quest again and again. Its k (position among all teams)
// and run number decide, deterministically, the variations of a run:
//
//	forfeit at stage 1                 when (run+k)%3 == 1
//	stay in the bonus room until its timer ends   when (run+k)%2 == 0
//	wait out a timed registration window          when run%2 == 1
//	let a puzzle's stage timer run out            when (run+k)%5 == 4
//
// and every other stage with counted clear conditions is first attempted
// with half of what it needs (a failed clear attempt, logged).
type team struct {
	k          int
	name       string
	def        *definition.Definition
	members    []uint32
	party      uint32 // party path: its partyId
	guild      uint32 // individual path with guild affinity
	channel    byte
	run        int
	counted    int // stages with counted conditions played, for the fail-first alternation
	instance   uuid.UUID
	registered int
	starting   bool
	stage      int
	sent       map[uint32]uint32 // items sent for the current stage
	kills      map[uint32]uint32
	startedAt  time.Time
	lastEvent  time.Time
	registerAt time.Time
}

func (t *team) variant(mod, want int) bool { return (t.run+t.k)%mod == want }

func (d *Demo) startTeams(ctx context.Context) {
	ch := channel
	for i := range d.tenant.QuestDefinitions {
		def := &d.tenant.QuestDefinitions[i]
		n, size := 1, 3
		if !def.Individual() {
			n, size = 2, 4 // two parties on channels of their own (a channel-locked quest runs once per channel)
		}
		for j := range n {
			t := &team{k: len(d.teams), def: def, channel: ch, stage: -1}
			if def.ChannelLocked() {
				ch++
			}
			t.name = fmt.Sprintf("%s#%d", def.QuestID, j+1)
			if !def.Individual() {
				t.party = d.character()
			} else {
				t.guild = 500 + uint32(len(d.teams))
			}
			for range size {
				c := d.character()
				t.members = append(t.members, c)
				d.guilds.set(c, t.guild)
			}
			d.teams = append(d.teams, t)
			d.later(d.think(time.Duration(2+8*j)*time.Second), func() { d.register(ctx, t) })
		}
	}
	// A party that heard nothing for long is stuck (a command refused, say):
	// it forfeits, or registers again.
	var watchdog func()
	watchdog = func() {
		for _, t := range d.teams {
			d.unstick(ctx, t)
		}
		d.later(30*time.Second, watchdog)
	}
	d.later(30*time.Second, watchdog)
}

func (d *Demo) unstick(ctx context.Context, t *team) {
	limit := 8 * time.Minute
	if t.instance == uuid.Nil {
		if !t.registerAt.IsZero() && time.Since(t.registerAt) > time.Minute {
			d.log.Warn("party got no instance; registers again", zap.String("party", t.name))
			d.register(ctx, t)
		}
		return
	}
	if time.Since(t.lastEvent) > limit {
		d.log.Warn("party heard nothing for long; forfeits", zap.String("party", t.name), zap.String("quest", t.def.Name))
		d.send(ctx, t, messages.TypeForfeit)
		t.lastEvent = time.Now()
	}
}

func (d *Demo) register(ctx context.Context, t *team) {
	t.instance, t.registered, t.starting, t.stage = uuid.Nil, 0, false, -1
	t.registerAt = time.Now()
	for _, c := range t.members {
		d.walk(ctx, c, t.channel, t.def.Registration.MapID, uuid.Nil)
		d.produce(ctx, messages.CommandTopicPartyQuest, messages.IntKey(c), messages.Command[messages.RegisterBody]{
			WorldID: world, CharacterID: c, Type: messages.TypeRegister,
			Body: messages.RegisterBody{QuestID: t.def.QuestID, PartyID: t.party, ChannelID: t.channel, MapID: t.def.Registration.MapID}})
	}
	d.log.Info("party registers", zap.String("party", t.name), zap.String("quest", t.def.Name), zap.Int("run", t.run+1),
		zap.Uint32s("members", t.members), zap.Uint8("channel", t.channel))
}

// send sends an instance command from the team's first member.
func (d *Demo) send(ctx context.Context, t *team, typ string) {
	d.produce(ctx, messages.CommandTopicPartyQuest, messages.UUIDKey(t.instance), messages.Command[messages.InstanceBody]{
		WorldID: world, CharacterID: t.members[0], Type: typ, Body: messages.InstanceBody{InstanceID: t.instance}})
}

// teamOf finds the team an event is about; INSTANCE_CREATED binds the
// instance to the team registering for that quest (and party).
func (d *Demo) teamOf(ev messages.PartyQuestStatusEvent[json.RawMessage]) *team {
	if t, ok := d.byInstance[ev.InstanceID]; ok {
		return t
	}
	if ev.Type != messages.TypeInstanceCreated {
		return nil
	}
	var b messages.InstanceCreatedBody
	_ = json.Unmarshal(ev.Body, &b)
	for _, t := range d.teams {
		if t.instance == uuid.Nil && !t.registerAt.IsZero() && t.def.QuestID == ev.QuestID && (t.def.Individual() || t.party == b.PartyID) {
			t.instance = ev.InstanceID
			d.byInstance[ev.InstanceID] = t
			return t
		}
	}
	return nil
}

func (d *Demo) questName(id string) string {
	for _, q := range d.tenant.QuestDefinitions {
		if q.QuestID == id {
			return q.Name
		}
	}
	return id
}

func (d *Demo) questEvent(ctx context.Context, ev messages.PartyQuestStatusEvent[json.RawMessage]) {
	t := d.teamOf(ev)
	fields := []zap.Field{zap.String("quest", d.questName(ev.QuestID)), zap.Stringer("instance", ev.InstanceID)}
	if t != nil {
		fields = append(fields, zap.String("party", t.name))
	}
	var stage struct {
		StageIndex uint32 `json:"stageIndex"`
	}
	switch ev.Type {
	case messages.TypeStarted, messages.TypeStageAdvanced, messages.TypeStageCleared:
		_ = json.Unmarshal(ev.Body, &stage)
		fields = append(fields, zap.Uint32("stage", stage.StageIndex))
		if t != nil && int(stage.StageIndex) < len(t.def.Stages) {
			fields = append(fields, zap.String("stageName", t.def.Stages[stage.StageIndex].Name))
		}
	case messages.TypeFailed:
		var b messages.FailedBody
		_ = json.Unmarshal(ev.Body, &b)
		fields = append(fields, zap.String("reason", b.Reason))
		d.count(func(s *Stats) { s.QuestsFailed[b.Reason]++ })
	case messages.TypeCharacterRegistered:
		var b messages.CharacterRegisteredBody
		_ = json.Unmarshal(ev.Body, &b)
		fields = append(fields, zap.Uint32("character", b.CharacterID))
	case messages.TypeRegistrationOpened:
		var b messages.RegistrationOpenedBody
		_ = json.Unmarshal(ev.Body, &b)
		fields = append(fields, zap.Int64("windowSeconds", b.Duration))
	case messages.TypeCompleted:
		d.count(func(s *Stats) { s.QuestsCompleted++ })
		if t != nil {
			fields = append(fields, zap.Duration("took", time.Since(t.startedAt).Round(time.Second)))
		}
	case messages.TypeInstanceDestroyed:
		d.count(func(s *Stats) { s.InstancesDestroyed++ })
	}
	d.log.Info("→ party quest "+ev.Type, fields...)
	if t == nil {
		return
	}
	t.lastEvent = time.Now()
	switch ev.Type {
	case messages.TypeInstanceCreated:
		t.registered = 1 // the creator
	case messages.TypeCharacterRegistered:
		t.registered++
		d.maybeStart(ctx, t)
	case messages.TypeRegistrationOpened:
		d.maybeStart(ctx, t)
	case messages.TypeStarted, messages.TypeStageAdvanced:
		if ev.Type == messages.TypeStarted {
			t.startedAt = time.Now()
			d.count(func(s *Stats) { s.QuestsStarted++ })
		}
		d.playStage(ctx, t, int(stage.StageIndex))
	case messages.TypeStageCleared:
		if int(stage.StageIndex) == t.stage {
			t.stage = -1 // cleared: a pending failure check must not fire
			d.later(d.think(3*time.Second), func() { d.send(ctx, t, messages.TypeStageAdvance) })
		}
	case messages.TypeInstanceDestroyed:
		delete(d.byInstance, t.instance)
		t.instance, t.stage, t.registerAt = uuid.Nil, -1, time.Time{}
		t.run++
		d.later(d.think(15*time.Second), func() { d.register(ctx, t) })
	}
}

// maybeStart STARTs once every member registered, unless this run waits
// for a timed registration window to end.
func (d *Demo) maybeStart(ctx context.Context, t *team) {
	if t.starting || t.registered < len(t.members) {
		return
	}
	t.starting = true
	if t.def.Registration.Mode == definition.ModeTimed && t.run%2 == 1 {
		d.log.Info("party waits for the registration window to end", zap.String("party", t.name),
			zap.Int64("windowSeconds", t.def.Registration.Duration))
		return
	}
	inst := t.instance
	d.later(d.think(3*time.Second), func() {
		if t.instance == inst {
			d.send(ctx, t, messages.TypeStart)
		}
	})
}

// playStage plays stage i by its type and clear conditions.
func (d *Demo) playStage(ctx context.Context, t *team, i int) {
	if i >= len(t.def.Stages) {
		return
	}
	st := &t.def.Stages[i]
	t.stage, t.sent, t.kills = i, map[uint32]uint32{}, map[uint32]uint32{}
	inst := t.instance
	still := func() bool { return t.instance == inst && t.stage == i }
	timer := time.Duration(st.Duration) * time.Second
	if i == 1 && t.variant(3, 1) {
		d.later(d.think(5*time.Second), func() {
			if still() {
				d.log.Info("party forfeits", zap.String("party", t.name), zap.String("quest", t.def.Name), zap.String("stage", st.Name))
				d.count(func(s *Stats) { s.Forfeits++ })
				d.send(ctx, t, messages.TypeForfeit)
			}
		})
		return
	}
	items, kills := needs(st.ClearConditions)
	switch {
	case len(items) > 0 || len(kills) > 0:
		t.counted++
		failFirst := t.counted%2 == 1
		d.later(d.think(5*time.Second), func() {
			if !still() {
				return
			}
			if failFirst {
				d.report(ctx, t, half(items), half(kills))
				d.send(ctx, t, messages.TypeStageClearAttempt)
				d.later(d.think(3*time.Second), func() {
					if !still() {
						return
					}
					d.count(func(s *Stats) { s.ClearAttemptsFail++ })
					d.log.Warn("clear attempt failed: conditions not met yet", zap.String("party", t.name), zap.String("quest", t.def.Name),
						zap.String("stage", st.Name), zap.String("have", have(t, items, kills)))
					d.later(d.think(4*time.Second), func() {
						if still() {
							d.report(ctx, t, items, kills)
							d.send(ctx, t, messages.TypeStageClearAttempt)
						}
					})
				})
				return
			}
			d.report(ctx, t, items, kills)
			d.send(ctx, t, messages.TypeStageClearAttempt)
		})
	case st.Type == definition.StageBonus && timer > 0 && t.variant(2, 0):
		d.log.Info("party stays in the bonus room until its timer runs out", zap.String("party", t.name), zap.Duration("timer", timer))
	case st.Type == definition.StageCombinationPuzzle && timer > 0 && t.variant(5, 4):
		d.log.Info("party cannot solve the puzzle; its timer will run out", zap.String("party", t.name), zap.String("stage", st.Name), zap.Duration("timer", timer))
	default:
		// Puzzles and reactors: the channel server checks the answer (the
		// stage has no counted clear condition); the party solves it, then
		// asks to clear.
		d.later(d.think(6*time.Second), func() {
			if still() {
				d.log.Info("party solved the stage", zap.String("party", t.name), zap.String("stage", st.Name), zap.String("type", st.Type))
				d.send(ctx, t, messages.TypeStageClearAttempt)
			}
		})
	}
}

// report sends what the party collected since the last report, so the
// stage's counters reach want.
func (d *Demo) report(ctx context.Context, t *team, items, kills map[uint32]uint32) {
	delta := func(want, sent map[uint32]uint32) map[uint32]uint32 {
		out := map[uint32]uint32{}
		for id, n := range want {
			if n > sent[id] {
				out[id] = n - sent[id]
				sent[id] = n
			}
		}
		return out
	}
	di, dk := delta(items, t.sent), delta(kills, t.kills)
	if len(di) == 0 && len(dk) == 0 {
		return
	}
	d.produce(ctx, messages.CommandTopicPartyQuest, messages.UUIDKey(t.instance), messages.Command[messages.UpdateStageStateBody]{
		WorldID: world, CharacterID: t.members[0], Type: messages.TypeUpdateStageState,
		Body: messages.UpdateStageStateBody{InstanceID: t.instance, ItemCounts: di, MonsterKills: dk}})
}

// needs is what a stage's counted clear conditions ask for.
func needs(cs []definition.Condition) (items, kills map[uint32]uint32) {
	items, kills = map[uint32]uint32{}, map[uint32]uint32{}
	for _, c := range cs {
		var n uint32
		switch c.Operator {
		case definition.OpGte, definition.OpEq:
			n = c.Value
		case definition.OpGt:
			n = c.Value + 1
		default: // lte, lt: nothing to collect
			continue
		}
		switch c.Type {
		case definition.ConditionItemCount:
			items[c.ReferenceID] = max(items[c.ReferenceID], n)
		case definition.ConditionMonsterKill:
			kills[c.ReferenceID] = max(kills[c.ReferenceID], n)
		}
	}
	return items, kills
}

func half(m map[uint32]uint32) map[uint32]uint32 {
	out := map[uint32]uint32{}
	for k, v := range m {
		out[k] = v / 2
	}
	return out
}

func have(t *team, items, kills map[uint32]uint32) string {
	s := ""
	for id, n := range items {
		s += fmt.Sprintf("item %d: %d/%d; ", id, t.sent[id], n)
	}
	for id, n := range kills {
		s += fmt.Sprintf("monster %d: %d/%d killed; ", id, t.kills[id], n)
	}
	return s
}
