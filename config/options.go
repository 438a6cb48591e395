package config

import "os"

// DefinitionsPathEnv is the reference's environment variable naming a
// directory of party-quest definition files for every tenant.
const DefinitionsPathEnv = "PARTY_QUEST_DEFINITIONS_PATH"

// Option adjusts Load.
type Option func(*options)

type options struct {
	definitionsPath string
}

// WithDefinitionsPath loads the party-quest definition files of dir for
// every configured tenant, in addition to a tenant's own
// partyQuestDefinitions (which win on a questId clash, being more specific).
// A relative dir is relative to the working directory, not to the config
// file, since it comes from the environment. An empty dir is ignored.
func WithDefinitionsPath(dir string) Option {
	return func(o *options) { o.definitionsPath = dir }
}

// WithDefinitionsPathFromEnv is WithDefinitionsPath(os.Getenv(DefinitionsPathEnv)).
// Unlike the reference there is no default directory: unset means none.
func WithDefinitionsPathFromEnv() Option {
	return WithDefinitionsPath(os.Getenv(DefinitionsPathEnv))
}
