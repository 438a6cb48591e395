package kafka

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	ck "github.com/confluentinc/confluent-kafka-go/v2/kafka"
	"go.uber.org/zap"
)

// TopicCreation says whether the service may create its own missing topics
// (TOPIC_CREATION).
type TopicCreation string

const (
	// TopicCreationAuto creates the service's own topics when missing.
	TopicCreationAuto TopicCreation = "auto"
	// TopicCreationNever never creates a topic: a missing one of its own
	// refuses the start (clusters where topics are provisioned elsewhere).
	TopicCreationNever TopicCreation = "never"
)

// ParseTopicCreation reads auto (also the empty string) or never.
func ParseTopicCreation(v string) (TopicCreation, error) {
	switch TopicCreation(v) {
	case "", TopicCreationAuto:
		return TopicCreationAuto, nil
	case TopicCreationNever:
		return TopicCreationNever, nil
	}
	return "", fmt.Errorf("%q is neither %s nor %s", v, TopicCreationAuto, TopicCreationNever)
}

// TopicSpec is one topic the service uses, by its real name.
type TopicSpec struct {
	Name string
	// Partitions is the count the service creates it with (own topics).
	Partitions int
	// Compact: created with cleanup.policy=compact, and an existing topic
	// must be compacted without deletion (a changelog).
	Compact bool
	// CoPartitioned topics must all have the same partition count.
	CoPartitioned bool
	// External is a contract topic: never created, only reported when
	// missing (its consumer waits for it).
	External bool
}

// TopicTimeouts bound each admin step; a zero field takes its default.
type TopicTimeouts struct {
	Metadata time.Duration // listing the cluster's topics (default 10 s)
	Create   time.Duration // creating the missing own topics (default 30 s)
	Describe time.Duration // reading changelogs' cleanup.policy (default 5 s)
}

func (t TopicTimeouts) withDefaults() TopicTimeouts {
	if t.Metadata <= 0 {
		t.Metadata = 10 * time.Second
	}
	if t.Create <= 0 {
		t.Create = 30 * time.Second
	}
	if t.Describe <= 0 {
		t.Describe = 5 * time.Second
	}
	return t
}

// TopicsConfig is what PrepareTopics checks and creates.
type TopicsConfig struct {
	Bootstrap string
	Extra     ck.ConfigMap
	Creation  TopicCreation
	Topics    []TopicSpec
	Timeouts  TopicTimeouts
}

// TopicsReport is what PrepareTopics found and did, by real topic name.
type TopicsReport struct {
	Found           []string // own topics that existed
	Created         []string // own topics created now
	MissingExternal []string // contract topics not there (yet)
	// Unverified are existing changelogs whose cleanup.policy the broker
	// did not report within the bound.
	Unverified []string
}

// PrepareTopics looks before it creates: it lists the cluster's topics,
// refuses to start (a one-line error) when an own topic is missing and
// creation is never, when co-partitioned topics differ in partition count,
// or when an existing changelog is not compacted; then creates the missing
// own topics. Contract topics are never created: missing ones are a
// warning. Every admin request is bounded: a broker that does not answer
// the cleanup.policy question (librdkafka's mock cluster answers no admin
// request) gets a warning naming what was not verified, and the start goes
// on. All refusals come before anything is created.
func PrepareTopics(ctx context.Context, cfg TopicsConfig, log *zap.Logger) (TopicsReport, error) {
	var rep TopicsReport
	to := cfg.Timeouts.withDefaults()
	acfg := ck.ConfigMap{"bootstrap.servers": cfg.Bootstrap, "enable.metrics.push": false}
	for k, v := range cfg.Extra {
		acfg[k] = v
	}
	adm, err := ck.NewAdminClient(&acfg)
	if err != nil {
		return rep, fmt.Errorf("admin client: %w", err)
	}
	defer adm.Close()

	partitions, err := listTopics(adm, to.Metadata)
	if err != nil {
		return rep, err
	}
	// counts is every co-partitioned topic's count once prepared: the
	// existing count, or the one it will be created with.
	counts := map[string]int{}
	var missing []TopicSpec
	var changelogs []string // existing ones, to verify
	for _, s := range cfg.Topics {
		n, ok := partitions[s.Name]
		switch {
		case s.External && !ok:
			rep.MissingExternal = append(rep.MissingExternal, s.Name)
		case s.External:
		case !ok:
			missing = append(missing, s)
			n = s.Partitions
		default:
			rep.Found = append(rep.Found, s.Name)
			if s.Compact {
				changelogs = append(changelogs, s.Name)
			}
		}
		if s.CoPartitioned && !s.External {
			counts[s.Name] = n
		}
	}
	if len(missing) > 0 && cfg.Creation == TopicCreationNever {
		return rep, fmt.Errorf("TOPIC_CREATION=never and the service's own topics %s are missing: create them as `transitquest -list-topics` prints them (name partitions cleanup-policy owner)",
			strings.Join(names(missing), ", "))
	}
	if err := checkCoPartitioned(counts); err != nil {
		return rep, err
	}
	if err := verifyCompacted(ctx, adm, changelogs, to.Describe, log, &rep); err != nil {
		return rep, err
	}
	if len(missing) > 0 {
		raced, err := createTopics(ctx, adm, missing, to.Create)
		if err != nil {
			return rep, err
		}
		for _, s := range missing {
			if !slices.Contains(raced, s.Name) {
				rep.Created = append(rep.Created, s.Name)
			}
		}
		if len(raced) > 0 {
			// Another replica (or an operator) created them meanwhile:
			// check them like any existing topic.
			if err := recheck(ctx, adm, cfg.Topics, raced, counts, to, log, &rep); err != nil {
				return rep, err
			}
		}
	}
	if len(rep.MissingExternal) > 0 {
		log.Warn("contract topics missing: not created (the game server owns them); their consumers wait for them",
			zap.Strings("topics", rep.MissingExternal))
	}
	log.Info("topics prepared", zap.Strings("found", rep.Found), zap.Strings("created", rep.Created),
		zap.Strings("missingExternal", rep.MissingExternal), zap.Strings("unverified", rep.Unverified),
		zap.String("creation", string(cfg.Creation)))
	return rep, nil
}

// listTopics returns every topic's partition count, from metadata.
func listTopics(adm *ck.AdminClient, bound time.Duration) (map[string]int, error) {
	md, err := adm.GetMetadata(nil, true, int(bound.Milliseconds()))
	if err != nil {
		return nil, fmt.Errorf("list topics: no metadata within %s: %w", bound, err)
	}
	out := make(map[string]int, len(md.Topics))
	for name, tm := range md.Topics {
		if c := tm.Error.Code(); c == ck.ErrUnknownTopicOrPart || c == ck.ErrUnknownTopic {
			continue
		}
		out[name] = len(tm.Partitions)
	}
	return out, nil
}

// checkCoPartitioned refuses different partition counts.
func checkCoPartitioned(counts map[string]int) error {
	if len(counts) < 2 {
		return nil
	}
	seen := map[int]bool{}
	parts := make([]string, 0, len(counts))
	for name, n := range counts {
		seen[n] = true
		parts = append(parts, fmt.Sprintf("%s has %d", name, n))
	}
	if len(seen) == 1 {
		return nil
	}
	sort.Strings(parts)
	return fmt.Errorf("changelog partition counts differ (%s): they must be co-partitioned; recreate the odd one, or set CHANGELOG_PARTITIONS to the existing count before creating one",
		strings.Join(parts, ", "))
}

// verifyCompacted reads the cleanup.policy of existing changelogs within
// bound. A changelog that is not compacted, or also deletes by retention,
// loses state: that refuses the start. Topics whose policy the broker did
// not report are logged and added to rep.Unverified.
func verifyCompacted(ctx context.Context, adm *ck.AdminClient, topics []string, bound time.Duration, log *zap.Logger, rep *TopicsReport) error {
	if len(topics) == 0 {
		return nil
	}
	res := make([]ck.ConfigResource, len(topics))
	for i, t := range topics {
		res[i] = ck.ConfigResource{Type: ck.ResourceTopic, Name: t}
	}
	dctx, cancel := context.WithTimeout(ctx, bound)
	defer cancel()
	results, err := adm.DescribeConfigs(dctx, res, ck.SetAdminRequestTimeout(bound))
	if timedOut(err) {
		err = fmt.Errorf("DescribeConfigs: no answer within %s: %w", bound, err)
	}
	answered := map[string]bool{}
	for _, r := range results {
		if r.Error.Code() != ck.ErrNoError {
			err = fmt.Errorf("DescribeConfigs %s: %w", r.Name, r.Error)
			continue
		}
		e, ok := r.Config["cleanup.policy"]
		if !ok {
			continue
		}
		answered[r.Name] = true
		policies := strings.Split(strings.ReplaceAll(e.Value, " ", ""), ",")
		if !slices.Contains(policies, "compact") || slices.Contains(policies, "delete") {
			return fmt.Errorf("changelog %s has cleanup.policy=%s: it must be compact (and not delete), or state is lost; alter it to cleanup.policy=compact",
				r.Name, e.Value)
		}
	}
	var unverified []string
	for _, t := range topics {
		if !answered[t] {
			unverified = append(unverified, t)
		}
	}
	if len(unverified) > 0 {
		rep.Unverified = append(rep.Unverified, unverified...)
		log.Warn("changelog cleanup.policy not verified, starting anyway: make sure these topics are cleanup.policy=compact",
			zap.String("unverified", "cleanup.policy"), zap.Strings("topics", unverified), zap.Error(err))
	}
	return nil
}

// createTopics creates specs within bound; it returns the ones that
// already existed (created by someone else since the listing).
func createTopics(ctx context.Context, adm *ck.AdminClient, specs []TopicSpec, bound time.Duration) ([]string, error) {
	topics := make([]ck.TopicSpecification, len(specs))
	for i, s := range specs {
		topics[i] = ck.TopicSpecification{Topic: s.Name, NumPartitions: s.Partitions, ReplicationFactor: -1}
		if s.Compact {
			topics[i].Config = map[string]string{"cleanup.policy": "compact"}
		}
	}
	cctx, cancel := context.WithTimeout(ctx, bound)
	defer cancel()
	res, err := adm.CreateTopics(cctx, topics, ck.SetAdminRequestTimeout(bound), ck.SetAdminOperationTimeout(bound))
	if err != nil {
		if timedOut(err) {
			err = fmt.Errorf("no answer within %s: %w", bound, err)
		}
		return nil, fmt.Errorf("create topics %s: %w", strings.Join(names(specs), ", "), err)
	}
	var raced []string
	for _, r := range res {
		switch r.Error.Code() {
		case ck.ErrNoError:
		case ck.ErrTopicAlreadyExists:
			raced = append(raced, r.Topic)
		default:
			return nil, fmt.Errorf("create topic %s: %w", r.Topic, r.Error)
		}
	}
	return raced, nil
}

// recheck verifies topics created by someone else between the listing and
// the creation, like the ones that existed.
func recheck(ctx context.Context, adm *ck.AdminClient, specs []TopicSpec, raced []string, counts map[string]int,
	to TopicTimeouts, log *zap.Logger, rep *TopicsReport) error {
	partitions, err := listTopics(adm, to.Metadata)
	if err != nil {
		return err
	}
	var changelogs []string
	for _, s := range specs {
		if !slices.Contains(raced, s.Name) {
			continue
		}
		rep.Found = append(rep.Found, s.Name)
		if s.CoPartitioned {
			counts[s.Name] = partitions[s.Name]
		}
		if s.Compact {
			changelogs = append(changelogs, s.Name)
		}
	}
	if err := checkCoPartitioned(counts); err != nil {
		return err
	}
	return verifyCompacted(ctx, adm, changelogs, to.Describe, log, rep)
}

func names(specs []TopicSpec) []string {
	out := make([]string, len(specs))
	for i, s := range specs {
		out[i] = s.Name
	}
	return out
}

// timedOut: the bound ran out, on our side or in librdkafka.
func timedOut(err error) bool {
	var ke ck.Error
	return errors.Is(err, context.DeadlineExceeded) || (errors.As(err, &ke) && ke.Code() == ck.ErrTimedOut)
}
