package actors

import "github.com/asynkron/protoactor-go/actor"

// PIDOf is the running process of the actor named name (nil when it
// rests): tests send to it directly to look without telling, which would
// count as a message.
func PIDOf(s *Supervisor, name string) *actor.PID {
	s.mu.Lock()
	defer s.mu.Unlock()
	if ch, ok := s.live[name]; ok {
		return ch.pid
	}
	return nil
}
