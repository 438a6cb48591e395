package loadgen

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	ck "github.com/confluentinc/confluent-kafka-go/v2/kafka"
	"github.com/google/uuid"

	"github.com/gamehost/transitquest/kafka"
	"github.com/gamehost/transitquest/messages"
)

// BaselineConfig configures the passthrough measurement.
type BaselineConfig struct {
	Bootstrap string
	Records   int    // records to pass through
	Tag       string // makes topic, group and transactional ids unique to the run
	MaxTxn    int    // records per transaction at most (the outbox's MaxRecords, 2000)
}

// BaselineResult is the passthrough's measured rate.
type BaselineResult struct {
	Records      int
	Elapsed      time.Duration
	Transactions int
	// CPU is this whole process's CPU time (user + system, every thread)
	// from the end of the first transaction, when Elapsed starts, to the
	// last, during which CPURecords records passed through; CPURecords is 0
	// when the CPU could not be read.
	CPU        time.Duration
	CPURecords int
	CPUWhat    string // whose CPU that is, for the report
}

// CPUPerRecord is the passthrough's CPU per record in microseconds.
func (r BaselineResult) CPUPerRecord() (float64, bool) {
	return CPUStats{Measured: r.CPURecords > 0, CPU: r.CPU}.PerItem(r.CPURecords)
}

// Rate is records per second.
func (r BaselineResult) Rate() float64 {
	if r.Elapsed <= 0 {
		return 0
	}
	return float64(r.Records) / r.Elapsed.Seconds()
}

// cmdTopicHeader tells the passthrough which decoder a seeded record needs,
// as the topic tells the service.
const cmdTopicHeader = "loadgen.topic"

// RunBaseline seeds the command mix the scenarios send, then measures a bare
// confluent-kafka-go consume → decode → encode → produce loop with the
// outbox's exactly-once batching: one transaction per poll burst of at most
// MaxTxn records, carrying the consumer offsets (SendOffsetsToTransaction),
// read_committed input. The topics are deleted afterwards.
func RunBaseline(ctx context.Context, cfg BaselineConfig) (BaselineResult, error) {
	if cfg.MaxTxn <= 0 {
		cfg.MaxTxn = 2000
	}
	in, out := "loadgen.baseline."+cfg.Tag+".in", "loadgen.baseline."+cfg.Tag+".out"
	if err := seedBaseline(ctx, cfg.Bootstrap, in, out, cfg.Records); err != nil {
		return BaselineResult{}, err
	}
	defer deleteTopics(cfg.Bootstrap, in, out)
	return passthrough(ctx, cfg, in, out)
}

func passthrough(ctx context.Context, cfg BaselineConfig, in, out string) (BaselineResult, error) {
	var res BaselineResult
	p, err := ck.NewProducer(&ck.ConfigMap{"bootstrap.servers": cfg.Bootstrap, "enable.metrics.push": false,
		"transactional.id": "loadgen-baseline-" + cfg.Tag, "partitioner": "murmur2_random", "linger.ms": 2,
		"go.delivery.reports": false, "transaction.timeout.ms": 60000})
	if err != nil {
		return res, fmt.Errorf("baseline producer: %w", err)
	}
	defer p.Close()
	go drain(p) // ends when p is closed
	if err := p.InitTransactions(ctx); err != nil {
		return res, fmt.Errorf("baseline init transactions: %w", err)
	}
	c, err := ck.NewConsumer(&ck.ConfigMap{"bootstrap.servers": cfg.Bootstrap, "enable.metrics.push": false,
		"group.id": "loadgen-baseline-" + cfg.Tag, "enable.auto.commit": false, "isolation.level": "read_committed",
		"auto.offset.reset": "earliest", "partition.assignment.strategy": "cooperative-sticky"})
	if err != nil {
		return res, fmt.Errorf("baseline consumer: %w", err)
	}
	defer c.Close()
	if err := c.Subscribe(in, nil); err != nil {
		return res, fmt.Errorf("baseline subscribe: %w", err)
	}
	var start time.Time
	var cpuFrom time.Duration
	cpuOK, recordsFrom := false, 0
	deadline := time.Now().Add(5 * time.Minute)
	for res.Records < cfg.Records {
		if ctx.Err() != nil || time.Now().After(deadline) {
			return res, fmt.Errorf("baseline: %d of %d records after %s: %w", res.Records, cfg.Records, time.Since(start), errors.Join(ctx.Err(), context.DeadlineExceeded))
		}
		n, err := passBatch(ctx, c, p, out, cfg.MaxTxn)
		if err != nil {
			return res, err
		}
		if n > 0 {
			if start.IsZero() {
				start = time.Now() // the group join is not part of the rate
				cpuFrom, err = ReadCPU(0)
				cpuOK, recordsFrom = err == nil, res.Records+n
			}
			res.Records += n
			res.Transactions++
		}
	}
	res.Elapsed = time.Since(start)
	if cpuTo, err := ReadCPU(0); err == nil && cpuOK {
		res.CPU, res.CPURecords = cpuTo-cpuFrom, res.Records-recordsFrom
	}
	return res, nil
}

// drain reads delivery events: an undrained channel blocks librdkafka.
func drain(p *ck.Producer) {
	for range p.Events() {
	}
}

// passBatch runs one transaction: poll until nothing is ready or max
// records, transform each, commit with the consumed offsets.
func passBatch(ctx context.Context, c *ck.Consumer, p *ck.Producer, out string, max int) (int, error) {
	n := 0
	began := false
	for n < max {
		timeout := 100
		if n > 0 {
			timeout = 0
		}
		ev := c.Poll(timeout)
		msg, ok := ev.(*ck.Message)
		if !ok {
			if ev == nil {
				break
			}
			continue
		}
		if !began {
			if err := p.BeginTransaction(); err != nil {
				return 0, fmt.Errorf("baseline begin: %w", err)
			}
			began = true
		}
		v, err := transform(msg)
		if err != nil {
			return 0, err
		}
		if err := produce(p, &ck.Message{TopicPartition: ck.TopicPartition{Topic: &out, Partition: ck.PartitionAny},
			Key: msg.Key, Value: v, Headers: msg.Headers}); err != nil {
			return 0, err
		}
		n++
	}
	if !began {
		return 0, nil
	}
	parts, err := c.Assignment()
	if err != nil {
		return 0, fmt.Errorf("baseline assignment: %w", err)
	}
	pos, err := c.Position(parts)
	if err != nil {
		return 0, fmt.Errorf("baseline position: %w", err)
	}
	meta, err := c.GetConsumerGroupMetadata()
	if err != nil {
		return 0, fmt.Errorf("baseline group metadata: %w", err)
	}
	if err := p.SendOffsetsToTransaction(ctx, pos, meta); err != nil {
		return 0, fmt.Errorf("baseline send offsets: %w", err)
	}
	if err := p.CommitTransaction(ctx); err != nil {
		return 0, fmt.Errorf("baseline commit: %w", err)
	}
	return n, nil
}

func produce(p *ck.Producer, m *ck.Message) error {
	for {
		err := p.Produce(m, nil)
		var kerr ck.Error
		if errors.As(err, &kerr) && kerr.Code() == ck.ErrQueueFull {
			time.Sleep(time.Millisecond)
			continue
		}
		if err != nil {
			return fmt.Errorf("baseline produce: %w", err)
		}
		return nil
	}
}

// transform does what the service does to every input at least: check the
// tenant headers, decode the command strictly, and encode one effect.
func transform(m *ck.Message) ([]byte, error) {
	if _, err := kafka.TenantFromHeaders(m.Headers); err != nil {
		return nil, fmt.Errorf("baseline tenant: %w", err)
	}
	var topic string
	for _, h := range m.Headers {
		if h.Key == cmdTopicHeader {
			topic = string(h.Value)
		}
	}
	var effect any
	switch messages.Topic(topic) {
	case messages.CommandTopicInstanceTransport:
		cmd, err := messages.DecodeStartTransport(m.Value)
		if err != nil {
			return nil, fmt.Errorf("baseline decode: %w", err)
		}
		effect = messages.RideEvent(cmd.WorldID, cmd.CharacterID, messages.TypeStarted,
			messages.RideBody{RouteID: cmd.Body.RouteID, InstanceID: uuid.New()}).Value
	default:
		cmd, err := messages.DecodePartyQuestCommand(m.Value)
		if err != nil {
			return nil, fmt.Errorf("baseline decode: %w", err)
		}
		effect = messages.PartyQuestStatus(cmd.WorldID, cmd.InstanceID(), QuestID, messages.TypeStageCleared,
			messages.StageClearedBody{StageIndex: 1, ChannelID: 1, MapIDs: []uint32{910000001}}).Value
	}
	b, err := json.Marshal(effect)
	if err != nil {
		return nil, fmt.Errorf("baseline encode: %w", err)
	}
	return b, nil
}
