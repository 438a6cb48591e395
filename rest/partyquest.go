package rest

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"time"

	"github.com/google/uuid"

	"github.com/gamehost/transitquest/actors/quest"
	"github.com/gamehost/transitquest/partyquest"
	"github.com/gamehost/transitquest/tenant"
)

type questAPI struct{ s *quest.Subsystem }

func (a questAPI) routes(mux *http.ServeMux, api *api) {
	withTenant := api.withTenant
	mux.Handle("GET /api/party-quests/definitions", withTenant(a.definitions))
	mux.Handle("GET /api/party-quests/definitions/{id}", withTenant(a.definition))
	mux.Handle("GET /api/party-quests/definitions/quest/{questId}", withTenant(a.definitionByQuest))
	// validate loads nothing: any tenant may check files, known or not.
	mux.Handle("POST /api/party-quests/definitions/validate", withHeaders(a.validate))
	mux.Handle("GET /api/party-quests/instances", withTenant(a.instances))
	mux.Handle("GET /api/party-quests/instances/{id}", withTenant(a.instance))
	// One pattern for both two-segment paths: ServeMux cannot order
	// "instances/character/{c}" against "instances/{id}/stage".
	mux.Handle("GET /api/party-quests/instances/{a}/{b}", withTenant(func(w http.ResponseWriter, r *http.Request, t tenant.Tenant) {
		switch {
		case r.PathValue("a") == "character":
			a.ofCharacter(w, r.PathValue("b"), r, t)
		case r.PathValue("b") == "stage":
			r.SetPathValue("id", r.PathValue("a"))
			a.stage(w, r, t)
		default:
			writeError(w, http.StatusNotFound, "no such resource")
		}
	}))
}

func definitionResource(d quest.QuestDefinition) resource {
	return resource{Type: "definitions", ID: d.ID.String(), Attributes: d.Definition}
}

func (a questAPI) definitions(w http.ResponseWriter, _ *http.Request, t tenant.Tenant) {
	writeList(w, a.s.Definitions(t), definitionResource)
}

func (a questAPI) definition(w http.ResponseWriter, r *http.Request, t tenant.Tenant) {
	writeByID(w, r, "definition", func(id uuid.UUID) (quest.QuestDefinition, bool) { return a.s.Definition(t, id) }, definitionResource)
}

func (a questAPI) definitionByQuest(w http.ResponseWriter, r *http.Request, t tenant.Tenant) {
	q := r.PathValue("questId")
	d, found := a.s.DefinitionByQuest(t, q)
	if !found {
		writeError(w, http.StatusNotFound, fmt.Sprintf("quest %q has no definition", q))
		return
	}
	writeDoc(w, definitionResource(d))
}

// validate checks definition files sent in the body: one JSON object, or a
// JSON array of objects (one per file). It loads nothing.
func (a questAPI) validate(w http.ResponseWriter, r *http.Request, _ tenant.Tenant) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, 4<<20))
	if err != nil {
		writeError(w, http.StatusBadRequest, "body: "+err.Error())
		return
	}
	var files []json.RawMessage
	if err := json.Unmarshal(body, &files); err != nil {
		files = []json.RawMessage{body}
	}
	raw := make([][]byte, len(files))
	for i, f := range files {
		raw[i] = f
	}
	results := a.s.Validate(raw)
	data := make([]resource, len(results))
	valid := 0
	for i, res := range results {
		// The id is the file's position in the request: results are per
		// file, and a file need not have a (unique) questId.
		data[i] = resource{Type: "definition-validations", ID: strconv.Itoa(i), Attributes: res}
		if res.Valid {
			valid++
		}
	}
	writeDocument(w, document{Data: data, Meta: map[string]any{"files": len(results), "valid": valid}})
}

type instanceAttributes struct {
	DefinitionID      uuid.UUID              `json:"definitionId"`
	QuestID           string                 `json:"questId"`
	State             string                 `json:"state"`
	WorldID           byte                   `json:"worldId"`
	ChannelID         byte                   `json:"channelId"`
	PartyID           uint32                 `json:"partyId"`
	Characters        []partyquest.Character `json:"characters"`
	CurrentStageIndex uint32                 `json:"currentStageIndex"`
	StartedAt         time.Time              `json:"startedAt"`
	StageStartedAt    time.Time              `json:"stageStartedAt"`
	RegisteredAt      time.Time              `json:"registeredAt"`
	FieldInstances    []uuid.UUID            `json:"fieldInstances"`
	StageState        partyquest.StageState  `json:"stageState"`
}

func instanceResource(t tenant.Tenant, s partyquest.State) resource {
	fi := s.FieldInstances
	if fi == nil {
		fi = []uuid.UUID{}
	}
	return resource{Type: "instances", ID: s.ID.String(), Attributes: instanceAttributes{
		DefinitionID: quest.DefinitionID(t, s.QuestID), QuestID: s.QuestID, State: string(s.State),
		WorldID: s.WorldID, ChannelID: s.ChannelID, PartyID: s.PartyID, Characters: s.Characters,
		CurrentStageIndex: s.CurrentStageIndex, StartedAt: s.StartedAt, StageStartedAt: s.StageStartedAt,
		RegisteredAt: s.RegisteredAt, FieldInstances: fi, StageState: s.StageState,
	}}
}

func (a questAPI) instances(w http.ResponseWriter, r *http.Request, t tenant.Tenant) {
	states, err := a.s.Instances(r.Context(), t)
	if err != nil {
		writeError(w, http.StatusInternalServerError, err.Error())
		return
	}
	data := []resource{}
	for _, s := range states {
		data = append(data, instanceResource(t, s))
	}
	writeDoc(w, data)
}

func (a questAPI) one(w http.ResponseWriter, t tenant.Tenant, s partyquest.State, err error, what string) {
	switch {
	case errors.Is(err, quest.ErrNotFound):
		writeError(w, http.StatusNotFound, what+" not found")
	case err != nil:
		writeError(w, http.StatusInternalServerError, err.Error())
	default:
		writeDoc(w, instanceResource(t, s))
	}
}

func (a questAPI) instance(w http.ResponseWriter, r *http.Request, t tenant.Tenant) {
	id, ok := pathUUID(w, r)
	if !ok {
		return
	}
	s, err := a.s.Instance(r.Context(), t, id)
	a.one(w, t, s, err, "instance "+id.String())
}

// stage is the current stage of an instance: its index, maps, limit and
// the counters gathered so far.
func (a questAPI) stage(w http.ResponseWriter, r *http.Request, t tenant.Tenant) {
	id, ok := pathUUID(w, r)
	if !ok {
		return
	}
	s, err := a.s.Instance(r.Context(), t, id)
	if err != nil {
		a.one(w, t, s, err, "instance "+id.String())
		return
	}
	attrs := map[string]any{"stageIndex": s.CurrentStageIndex, "state": s.State, "stageStartedAt": s.StageStartedAt,
		"stageState": s.StageState}
	if i := int(s.CurrentStageIndex); i < len(s.Definition.Stages) {
		st := s.Definition.Stages[i]
		attrs["name"], attrs["type"], attrs["mapIds"] = st.Name, st.Type, st.MapIDs
		if !s.StageEndsAt.IsZero() {
			attrs["stageEndsAt"] = s.StageEndsAt
		}
	}
	writeDoc(w, resource{Type: "stages", ID: id.String(), Attributes: attrs})
}

func (a questAPI) ofCharacter(w http.ResponseWriter, character string, r *http.Request, t tenant.Tenant) {
	c, err := strconv.ParseUint(character, 10, 32)
	if err != nil {
		writeError(w, http.StatusBadRequest, "characterId must be a uint32")
		return
	}
	s, err := a.s.InstanceOfCharacter(r.Context(), t, uint32(c))
	a.one(w, t, s, err, fmt.Sprintf("instance of character %d", c))
}
