package rest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"sort"
	"strconv"
	"time"

	"github.com/google/uuid"
	"go.uber.org/zap"

	"github.com/gamehost/transitquest/actors/transport"
	"github.com/gamehost/transitquest/messages"
	"github.com/gamehost/transitquest/schedule"
	"github.com/gamehost/transitquest/tenant"
	"github.com/gamehost/transitquest/transport/ride"
)

type transportAPI struct {
	s   *transport.Subsystem
	log *zap.Logger
	now func() time.Time
}

type routeAttributes struct {
	Name             string   `json:"name"`
	StartMapID       uint32   `json:"startMapId"`
	StagingMapID     uint32   `json:"stagingMapId"`
	EnRouteMapIDs    []uint32 `json:"enRouteMapIds"`
	DestinationMapID uint32   `json:"destinationMapId"`
	ObservationMapID uint32   `json:"observationMapId"`
	State            string   `json:"state"`
	// Durations are seconds, as everywhere in the API.
	CycleInterval  seconds `json:"cycleInterval"`
	BoardingWindow seconds `json:"boardingWindow"`
	PreDeparture   seconds `json:"preDeparture"`
	Travel         seconds `json:"travelDuration"`
}

type tripAttributes struct {
	BoardingOpen   time.Time `json:"boardingOpen"`
	BoardingClosed time.Time `json:"boardingClosed"`
	Departure      time.Time `json:"departure"`
	Arrival        time.Time `json:"arrival"`
}

// routeResource is a route with the trips of the window as its schedule
// relationship, and those trips to include.
func routeResource(v transport.RouteView, win tripWindow) (resource, []resource) {
	r := v.Route
	res := resource{Type: "routes", ID: r.ID.String(), Attributes: routeAttributes{
		Name: r.Name, StartMapID: r.StartMapID, StagingMapID: r.StagingMapID, EnRouteMapIDs: r.EnRouteMapIDs,
		DestinationMapID: r.DestinationMapID, ObservationMapID: r.ObservationMapID, State: string(v.State),
		CycleInterval: seconds(r.CycleInterval), BoardingWindow: seconds(r.BoardingWindow),
		PreDeparture: seconds(r.PreDeparture), Travel: seconds(r.Travel),
	}}
	trips := tripResources(win.trips(v.Trips))
	ids := make([]identifier, len(trips))
	for i, t := range trips {
		ids[i] = identifier{Type: t.Type, ID: t.ID}
	}
	res.Relationships = map[string]relationship{"schedule": {Data: ids}}
	return res, trips
}

func tripResources(trips []schedule.Trip) []resource {
	out := make([]resource, len(trips))
	for i, t := range trips {
		out[i] = resource{Type: "trip-schedule", ID: t.ID.String(), Attributes: tripAttributes{
			BoardingOpen: t.BoardingOpen, BoardingClosed: t.BoardingClosed, Departure: t.Departure, Arrival: t.Arrival}}
	}
	return out
}

// window reads the request's trip window, answering 400 when it is bad.
func (a transportAPI) window(w http.ResponseWriter, r *http.Request) (tripWindow, bool) {
	win, e := parseWindow(r, a.now())
	if e != nil {
		writeErrors(w, http.StatusBadRequest, *e)
		return win, false
	}
	return win, true
}

func (a transportAPI) routes(w http.ResponseWriter, r *http.Request, t tenant.Tenant) {
	var filter *uint32
	if f := r.URL.Query().Get("filter[startMapId]"); f != "" {
		v, err := strconv.ParseUint(f, 10, 32)
		if err != nil {
			writeErrors(w, http.StatusBadRequest, *paramError("filter[startMapId]", "filter[startMapId] must be a uint32"))
			return
		}
		m := uint32(v)
		filter = &m
	}
	win, ok := a.window(w, r)
	if !ok {
		return
	}
	views, err := a.s.Routes(r.Context(), t)
	if err != nil {
		writeError(w, http.StatusInternalServerError, err.Error())
		return
	}
	data := []resource{}
	var included []resource
	for _, v := range views {
		if filter != nil && v.Route.StartMapID != *filter {
			continue
		}
		res, trips := routeResource(v, win)
		data = append(data, res)
		included = append(included, trips...)
	}
	writeDocument(w, document{Data: data, Included: included, Links: win.links(r), Meta: win.meta()})
}

func (a transportAPI) view(w http.ResponseWriter, r *http.Request, t tenant.Tenant) (transport.RouteView, bool) {
	id, ok := pathUUID(w, r)
	if !ok {
		return transport.RouteView{}, false
	}
	v, err := a.s.Route(r.Context(), t, id)
	switch {
	case errors.Is(err, transport.ErrNotFound):
		writeError(w, http.StatusNotFound, fmt.Sprintf("route %s not found", id))
		return v, false
	case err != nil:
		writeError(w, http.StatusInternalServerError, err.Error())
		return v, false
	}
	return v, true
}

func (a transportAPI) route(w http.ResponseWriter, r *http.Request, t tenant.Tenant) {
	win, ok := a.window(w, r)
	if !ok {
		return
	}
	if v, ok := a.view(w, r, t); ok {
		res, trips := routeResource(v, win)
		writeDocument(w, document{Data: res, Included: trips, Links: win.links(r), Meta: win.meta()})
	}
}

func (a transportAPI) routeState(w http.ResponseWriter, r *http.Request, t tenant.Tenant) {
	if v, ok := a.view(w, r, t); ok {
		writeDoc(w, resource{Type: "route-state", ID: v.Route.ID.String(), Attributes: map[string]string{"state": string(v.State)}})
	}
}

func (a transportAPI) routeSchedule(w http.ResponseWriter, r *http.Request, t tenant.Tenant) {
	win, ok := a.window(w, r)
	if !ok {
		return
	}
	if v, ok := a.view(w, r, t); ok {
		writeDocument(w, document{Data: tripResources(win.trips(v.Trips)), Links: win.links(r), Meta: win.meta()})
	}
}

type instanceRouteAttributes struct {
	Name             string  `json:"name"`
	StartMapID       uint32  `json:"startMapId"`
	TransitMapID     uint32  `json:"transitMapId"`
	DestinationMapID uint32  `json:"destinationMapId"`
	Capacity         uint32  `json:"capacity"`
	BoardingWindow   seconds `json:"boardingWindow"`
	TravelDuration   seconds `json:"travelDuration"`
}

func instanceRouteResource(r ride.Route) resource {
	return resource{Type: "instance-routes", ID: r.ID.String(), Attributes: instanceRouteAttributes{
		Name: r.Name, StartMapID: r.StartMapID, TransitMapID: r.TransitMapID, DestinationMapID: r.DestinationMapID,
		Capacity: r.Capacity, BoardingWindow: seconds(r.BoardingWindow), TravelDuration: seconds(r.Travel)}}
}

func (a transportAPI) instanceRoutes(w http.ResponseWriter, _ *http.Request, t tenant.Tenant) {
	writeList(w, a.s.InstanceRoutes(t), instanceRouteResource)
}

func (a transportAPI) instanceRoute(w http.ResponseWriter, r *http.Request, t tenant.Tenant) {
	writeByID(w, r, "instance route", func(id uuid.UUID) (ride.Route, bool) { return a.s.InstanceRoute(t, id) }, instanceRouteResource)
}

type instanceStatusAttributes struct {
	RouteID       uuid.UUID    `json:"routeId"`
	State         string       `json:"state"`
	Characters    int          `json:"characters"`
	Riders        []ride.Rider `json:"riders"`
	BoardingUntil time.Time    `json:"boardingUntil"`
	ArrivalAt     time.Time    `json:"arrivalAt"`
}

func (a transportAPI) instanceStatus(w http.ResponseWriter, r *http.Request, t tenant.Tenant) {
	id, ok := pathUUID(w, r)
	if !ok {
		return
	}
	instances, err := a.s.Instances(r.Context(), t, id)
	switch {
	case errors.Is(err, transport.ErrNotFound):
		writeError(w, http.StatusNotFound, fmt.Sprintf("instance route %s not found", id))
		return
	case errors.Is(err, transport.ErrNotLocal):
		writeError(w, http.StatusServiceUnavailable, fmt.Sprintf("instance route %s runs on another replica", id))
		return
	case err != nil:
		writeError(w, http.StatusInternalServerError, err.Error())
		return
	}
	data := []resource{}
	for _, in := range instances {
		data = append(data, resource{Type: "instance-status", ID: in.ID.String(), Attributes: instanceStatusAttributes{
			RouteID: id, State: string(in.Phase), Characters: len(in.Riders), Riders: in.Riders,
			BoardingUntil: in.BoardingUntil, ArrivalAt: in.ArrivalAt}})
	}
	writeDoc(w, data)
}

type startRequest struct {
	Data struct {
		Type       string `json:"type"`
		Attributes struct {
			CharacterID uint32 `json:"characterId"`
			WorldID     byte   `json:"worldId"`
			ChannelID   byte   `json:"channelId"`
		} `json:"attributes"`
	} `json:"data"`
}

// startMembers are the members a start body may have, by JSON Pointer of
// their object. Names match exactly (encoding/json alone would take
// "characterID" for characterId). A resource object's id is a JSON:API
// member, allowed and ignored.
var startMembers = map[string][]string{
	"":                 {"data"},
	"/data":            {"type", "id", "attributes"},
	"/data/attributes": {"characterId", "worldId", "channelId"},
}

// decodeStart reads the start body strictly: one JSON object, no unknown
// member (the unknown attribute is named), nothing after it.
func decodeStart(w http.ResponseWriter, r *http.Request) (startRequest, *apiError) {
	var req startRequest
	bad := func(pointer, detail string) *apiError {
		e := newError(http.StatusBadRequest, detail)
		if pointer != "" {
			e.Source = &errorSource{Pointer: pointer}
		}
		return &e
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, 64<<10))
	if err != nil {
		return req, bad("", "body: "+err.Error())
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	var generic any
	if err := dec.Decode(&generic); err != nil {
		return req, bad("", "body: "+err.Error())
	}
	if _, err := dec.Token(); err != io.EOF {
		return req, bad("", "body: one JSON object expected, found more after it")
	}
	if e := unknownMember(generic, ""); e != nil {
		return req, e
	}
	if err := json.Unmarshal(body, &req); err != nil {
		return req, bad("", "body: "+err.Error())
	}
	if req.Data.Type != "start-transport" {
		return req, bad("/data/type", `data.type must be "start-transport"`)
	}
	return req, nil
}

// unknownMember is the first member of v (at pointer) that startMembers
// does not list, as a 400 naming it.
func unknownMember(v any, pointer string) *apiError {
	obj, ok := v.(map[string]any)
	if !ok {
		return nil // a wrong type is json.Unmarshal's to report
	}
	names := make([]string, 0, len(obj))
	for name := range obj {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		child := pointer + "/" + name
		allowed := slices.Contains(startMembers[pointer], name)
		if !allowed {
			what := "member"
			if pointer == "/data/attributes" {
				what = "attribute"
			}
			e := newError(http.StatusBadRequest, fmt.Sprintf("unknown %s %q", what, name))
			e.Source = &errorSource{Pointer: child}
			return &e
		}
		if _, nested := startMembers[child]; nested {
			if e := unknownMember(obj[name], child); e != nil {
				return e
			}
		}
	}
	return nil
}

// statusOf is the HTTP status of a refusal.
func statusOf(reason messages.Reason) int {
	switch reason {
	case messages.ReasonUnknownTarget:
		return http.StatusNotFound
	case messages.ReasonConflict, messages.ReasonWrongState, messages.ReasonNotMember:
		return http.StatusConflict
	case messages.ReasonLookupFailed:
		return http.StatusBadGateway
	case messages.ReasonPanic:
		return http.StatusInternalServerError
	default:
		return http.StatusBadRequest
	}
}

// start is the REST twin of the START command; 204 once the warp and the
// STARTED event are committed (and for a character already riding this
// route), 409 when the character rides another route or the route is
// shutting down. When another replica decides the character's rides, the
// START is forwarded to it and the answer is 202 once that is committed:
// accepted, its outcome seen in EVENT_TOPIC_INSTANCE_TRANSPORT (or the
// dead-letter topic).
func (a transportAPI) start(w http.ResponseWriter, r *http.Request, t tenant.Tenant) {
	id, ok := pathUUID(w, r)
	if !ok {
		return
	}
	req, bad := decodeStart(w, r)
	if bad != nil {
		writeErrors(w, http.StatusBadRequest, *bad)
		return
	}
	at := req.Data.Attributes
	queued, err := a.s.StartRide(r.Context(), t, id, at.WorldID, at.CharacterID, at.ChannelID)
	var rej *messages.Rejection
	switch {
	case err == nil && queued:
		w.WriteHeader(http.StatusAccepted)
	case err == nil:
		w.WriteHeader(http.StatusNoContent)
	case errors.As(err, &rej):
		status := statusOf(rej.Reason)
		if status == http.StatusInternalServerError {
			a.log.Error("start transport failed inside the service", zap.Error(err))
		}
		writeError(w, status, rej.Detail)
	default:
		a.log.Error("start transport", zap.Error(err))
		writeError(w, http.StatusInternalServerError, err.Error())
	}
}
