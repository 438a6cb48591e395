package messages

// Message type strings of both contracts.
const (
	// EVENT_TOPIC_TRANSPORT_STATUS
	TypeArrived  = "ARRIVED"
	TypeDeparted = "DEPARTED"

	// EVENT_TOPIC_INSTANCE_TRANSPORT (STARTED is shared with party quests)
	TypeStarted   = "STARTED"
	TypeCompleted = "COMPLETED"
	TypeCancelled = "CANCELLED"

	// COMMAND_TOPIC_INSTANCE_TRANSPORT
	TypeStart = "START"

	// COMMAND_TOPIC_CHARACTER
	TypeChangeMap = "CHANGE_MAP"

	// EVENT_TOPIC_CHARACTER_STATUS
	TypeLogin  = "LOGIN"
	TypeLogout = "LOGOUT"

	// EVENT_TOPIC_CHANNEL_STATUS
	TypeChannelStarted  = "STARTED"
	TypeChannelShutdown = "SHUTDOWN"

	// EVENT_TOPIC_MAP_STATUS
	TypeCharacterEnter = "CHARACTER_ENTER"
	TypeCharacterExit  = "CHARACTER_EXIT"

	// COMMAND_TOPIC_PARTY_QUEST
	TypeRegister          = "REGISTER"
	TypeStageClearAttempt = "STAGE_CLEAR_ATTEMPT"
	TypeStageAdvance      = "STAGE_ADVANCE"
	TypeForfeit           = "FORFEIT"
	TypeUpdateStageState  = "UPDATE_STAGE_STATE"

	// EVENT_TOPIC_PARTY_QUEST_STATUS
	TypeInstanceCreated     = "INSTANCE_CREATED"
	TypeRegistrationOpened  = "REGISTRATION_OPENED"
	TypeCharacterRegistered = "CHARACTER_REGISTERED"
	TypeStageCleared        = "STAGE_CLEARED"
	TypeStageAdvanced       = "STAGE_ADVANCED"
	TypeFailed              = "FAILED"
	TypeInstanceDestroyed   = "INSTANCE_DESTROYED"
)

// Cancellation reasons of instance transports.
const (
	CancelMapExit = "MAP_EXIT"
	CancelLogout  = "LOGOUT"
	CancelStuck   = "STUCK"
)

// Failure reasons of party quests.
const (
	FailForfeit           = "forfeit"
	FailTimeExpired       = "time_expired"
	FailStartRequirements = "start_requirements"
)
