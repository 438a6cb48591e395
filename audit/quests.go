package audit

import (
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/gamehost/transitquest/messages"
	"github.com/gamehost/transitquest/partyquest/definition"
	"github.com/gamehost/transitquest/tenant"
)

// questKey names one effect of a party-quest instance.
type questKey struct {
	tenant   tenant.Tenant
	instance uuid.UUID
	typ      string
	detail   string // stage index or character, when the type has one
}

// quests checks EVENT_TOPIC_PARTY_QUEST_STATUS.
//
// Identity: (tenant, instance, type), plus the stage index for
// STAGE_CLEARED and STAGE_ADVANCED and the character for
// CHARACTER_REGISTERED. A run registers each character once, starts,
// completes, fails and is destroyed at most once (DECISIONS: COMPLETED once
// per run), and clears or enters each stage once.
//
// Timers, from the definition the instance runs: a timed registration
// window ends (STARTED, FAILED or INSTANCE_DESTROYED) by its duration after
// REGISTRATION_OPENED; a stage with a time limit is left (a later
// STAGE_ADVANCED, COMPLETED, FAILED or INSTANCE_DESTROYED) by its limit
// after it was entered (STARTED for the first, STAGE_ADVANCED after); a run
// with a global limit ends by it after STARTED. A timer that never fired is
// a violation; one that fired later than MaxLateness is a note (a restored
// instance fires overdue timers at once, once).
func (a *auditor) quests() {
	evs := a.events[messages.EventTopicPartyQuestStatus]
	seen := map[questKey][]event{}
	var order []questKey
	runs := map[instanceKey][]event{}
	var instances []instanceKey
	for _, e := range evs {
		k := questKey{e.tenant, e.instance, e.typ, ""}
		switch e.typ {
		case messages.TypeStageCleared, messages.TypeStageAdvanced:
			k.detail = fmt.Sprint("stage ", e.stage)
		case messages.TypeCharacterRegistered:
			k.detail = fmt.Sprint("character ", e.character)
		}
		if seen[k] == nil {
			order = append(order, k)
		}
		seen[k] = append(seen[k], e)
		if len(seen[k]) > 1 {
			continue
		}
		ik := instanceKey{e.tenant, e.instance}
		if runs[ik] == nil {
			instances = append(instances, ik)
		}
		runs[ik] = append(runs[ik], e)
	}
	for _, k := range order {
		if evs := seen[k]; len(evs) > 1 {
			a.bad.add(Duplicates, "party-quest "+k.typ+" twice", "instance %s %s: %d copies %s", k.instance, k.detail, len(evs), stamps(evs))
		}
	}
	for _, ik := range instances {
		a.counts["party-quest instances"]++
		a.questTimers(ik, runs[ik])
	}
}

// questTimers checks one instance's timers against its definition.
func (a *auditor) questTimers(ik instanceKey, evs []event) {
	def, ok := a.definition(ik.tenant, evs[0].quest)
	if !ok {
		a.bad.add(Records, "party-quest event of an unknown tenant or quest", "quest %q instance %s: %s", evs[0].quest, ik.instance, evs[0])
		return
	}
	ended := func(e event) bool {
		return e.typ == messages.TypeFailed || e.typ == messages.TypeInstanceDestroyed
	}
	for i, e := range evs {
		var limit time.Duration
		var name string
		var left func(event) bool
		switch e.typ {
		case messages.TypeRegistrationOpened:
			if def.Registration.Mode != definition.ModeTimed {
				continue
			}
			limit, name = seconds(uint64(max(def.Registration.Duration, 0))), "registration window"
			left = func(x event) bool { return x.typ == messages.TypeStarted || ended(x) }
		case messages.TypeStarted, messages.TypeStageAdvanced:
			stage := e.stage
			if s, ok := stageOf(def, stage); ok {
				limit, name = seconds(s.Duration), fmt.Sprintf("stage %d limit", stage)
			}
			left = func(x event) bool {
				return (x.typ == messages.TypeStageAdvanced && x.stage > stage) || x.typ == messages.TypeCompleted || ended(x)
			}
			if e.typ == messages.TypeStarted && def.Duration > 0 {
				a.questTimer(ik, def, e, evs[i+1:], seconds(def.Duration), "run limit", ended)
			}
		}
		if limit > 0 {
			a.questTimer(ik, def, e, evs[i+1:], limit, name, left)
		}
	}
}

// questTimer checks that a timer armed at from.at with limit fired: some
// later event satisfies left by the deadline (plus MaxLateness).
func (a *auditor) questTimer(ik instanceKey, def definition.Definition, from event, later []event, limit time.Duration, name string, left func(event) bool) {
	deadline := from.at.Add(limit)
	for _, x := range later {
		if !left(x) {
			continue
		}
		if late := x.at.Sub(deadline); late > a.o.MaxLateness {
			a.notes.add(Timers, "party-quest timer fired late (after MaxLateness)", "%s %s instance %s: due %s, %s",
				def.QuestID, name, ik.instance, stamp(deadline), x)
		} else if late >= 0 {
			a.maxLate("party-quest "+name, late)
		}
		return
	}
	if a.due(deadline) {
		a.bad.add(Timers, "party-quest timer never fired", "%s %s instance %s: armed by %s, due %s",
			def.QuestID, name, ik.instance, from, stamp(deadline))
	}
}

func (a *auditor) definition(t tenant.Tenant, quest string) (definition.Definition, bool) {
	for _, d := range a.tenants[t].QuestDefinitions {
		if d.QuestID == quest {
			return d, true
		}
	}
	return definition.Definition{}, false
}

func stageOf(d definition.Definition, index uint32) (definition.Stage, bool) {
	for _, s := range d.Stages {
		if s.Index == index {
			return s, true
		}
	}
	return definition.Stage{}, false
}

func seconds(s uint64) time.Duration { return time.Duration(s) * time.Second }
