package audit

import (
	"github.com/gamehost/transitquest/messages"
)

// commands checks that every command the driver sent took effect: some
// output record carries its trace id, or its dead-lettered copy does
// (with the reason in dlq.reason). A command sent less than Grace before
// the read is not judged. A command with both an effect and a dead letter,
// or two dead letters, was handled twice.
func (a *auditor) commands() {
	effects := map[string]int{}
	dead := map[string][]event{}
	for topic, evs := range a.events {
		for _, e := range evs {
			if e.trace == "" {
				continue
			}
			if topic == messages.DeadLetterTopic {
				dead[e.trace] = append(dead[e.trace], e)
			} else {
				effects[e.trace]++
			}
		}
	}
	for _, c := range a.in.Commands {
		a.counts["commands sent"]++
		if !c.HasEffect() {
			a.counts["commands without an effect of their own ("+c.Type+")"]++
			continue
		}
		if c.Sent.After(a.in.ReadAt.Add(-a.o.Grace)) {
			a.counts["commands too recent to judge"]++
			continue
		}
		d := dead[c.TraceID]
		switch {
		case effects[c.TraceID] > 0 && len(d) > 0:
			a.bad.add(Duplicates, "command both took effect and was dead-lettered", "%s %s character %d trace %s: dead letter %s",
				c.Topic, c.Type, c.Character, c.TraceID, d[0])
		case len(d) > 1:
			a.bad.add(Duplicates, "command dead-lettered twice", "%s %s character %d trace %s: %s", c.Topic, c.Type, c.Character, c.TraceID, d)
		case effects[c.TraceID] > 0:
			a.counts["commands with their effect"]++
		case len(d) == 1:
			a.counts["commands dead-lettered ("+d[0].typ+")"]++
			a.notes.add(Lost, "commands dead-lettered ("+d[0].typ+")", "%s %s character %d route %s instance %s sent %s",
				c.Topic, c.Type, c.Character, c.Route, c.Instance, stamp(c.Sent))
		default:
			a.bad.add(Lost, "command without its effect or a dead letter", "%s %s character %d route %s instance %s sent %s trace %s",
				c.Topic, c.Type, c.Character, c.Route, c.Instance, stamp(c.Sent), c.TraceID)
		}
	}
}
