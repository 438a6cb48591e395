package presence

import (
	"cmp"
	"slices"
)

// Channel is one channel of one world.
type Channel struct {
	WorldID   byte `json:"worldId"`
	ChannelID byte `json:"channelId"`
}

// compareChannels orders channels by world, then channel.
func compareChannels(a, b Channel) int {
	if c := cmp.Compare(a.WorldID, b.WorldID); c != 0 {
		return c
	}
	return cmp.Compare(a.ChannelID, b.ChannelID)
}

// ChannelStarted records a channel's STARTED announcement (duplicates are
// harmless).
func (x *Index) ChannelStarted(world, channel byte) {
	x.started[Channel{WorldID: world, ChannelID: channel}] = struct{}{}
}

// ChannelShutdown records a channel's SHUTDOWN. Characters the index still
// has on that channel stay, and keep the channel active, until their own
// EXIT/LOGOUT (or a LOGIN elsewhere) arrives: a sweep that warps them only
// moves their stored position, as the reference's logout warp does.
func (x *Index) ChannelShutdown(world, channel byte) {
	delete(x.started, Channel{WorldID: world, ChannelID: channel})
}

// ActiveChannels lists, sorted by world then channel, every channel that
// announced STARTED and not SHUTDOWN since, plus every channel on which the
// index currently has a character, so sweeps work after a cold start before
// channels re-announce themselves.
func (x *Index) ActiveChannels() []Channel {
	out := make([]Channel, 0, len(x.started)+len(x.present))
	for ch := range x.started {
		out = append(out, ch)
	}
	for ch := range x.present {
		if _, dup := x.started[ch]; !dup {
			out = append(out, ch)
		}
	}
	slices.SortFunc(out, compareChannels)
	return out
}

// StartedChannels lists, sorted, the channels that announced STARTED and not
// SHUTDOWN since: the registry alone, as State has it, without copying the
// characters.
func (x *Index) StartedChannels() []Channel {
	out := make([]Channel, 0, len(x.started))
	for ch := range x.started {
		out = append(out, ch)
	}
	slices.SortFunc(out, compareChannels)
	return out
}
