package kafka

// Queued is the number of batches submitted and not yet taken by Run.
func (o *Outbox) Queued() int { return len(o.in) }
